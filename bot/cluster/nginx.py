"""nginx (Debian's package) as the load balancer: its config, written for this run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.cluster.settings import ClusterSettings

TEMPLATE = """# Written by bot/cluster/nginx.py for this run.
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {run}/nginx-tmp/body;
  proxy_temp_path {run}/nginx-tmp/proxy;
  fastcgi_temp_path {run}/nginx-tmp/fastcgi;
  uwsgi_temp_path {run}/nginx-tmp/uwsgi;
  scgi_temp_path {run}/nginx-tmp/scgi;
  client_max_body_size 160k;  # a chat message (the door answers up to 128 KB), not a file

  # REST (and SMS webhooks): any instance; the Redis lock store keeps one person's turns in order.
  # A dead or still-loading instance (refused, reset, 503 "not ready") is skipped and the request
  # passed to the next one, POSTs included: a message id makes that repeat harmless.
  upstream rasa {{
    least_conn;
{rasa_servers}
    keepalive 64;
  }}
  # socket.io: the same client always reaches the same instance (its session lives there).
  upstream rasa_sticky {{
    ip_hash;
{rasa_servers}
  }}
  upstream actions {{
    least_conn;
{action_servers}
    keepalive 64;
  }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}

  server {{
    listen 127.0.0.1:{nginx_port};
    location /socket.io/ {{
      proxy_pass http://rasa_sticky;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 3600s;
    }}
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error http_502 http_503 non_idempotent;
      proxy_connect_timeout 2s;
      proxy_read_timeout 300s;
    }}
  }}
  server {{
    listen 127.0.0.1:{actions_lb_port};
    client_max_body_size 16m;  # Rasa sends the whole conversation and the domain to an action
    location / {{
      proxy_pass http://actions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }}
  }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if not found:
        raise SystemExit("nginx is not installed: apt-get install -y nginx-light "
                         "(make cluster does this)")
    return found


def write_config(settings: ClusterSettings) -> Path:
    run = settings.run_dir
    (run / "nginx-tmp").mkdir(parents=True, exist_ok=True)
    servers = lambda port_of: "\n".join(  # noqa: E731
        f"    server 127.0.0.1:{port_of(i)} max_fails=1 fail_timeout=5s;"
        for i in range(settings.instances))
    path = run / "nginx.conf"
    path.write_text(TEMPLATE.format(
        run=run, rasa_servers=servers(settings.rasa_port),
        action_servers=servers(settings.actions_port), nginx_port=settings.nginx_port,
        actions_lb_port=settings.actions_lb_port))
    return path


def command(settings: ClusterSettings) -> list[str]:
    config = write_config(settings)
    binary = nginx_binary()
    subprocess.run([binary, "-t", "-q", "-c", str(config), "-p", str(settings.run_dir)],
                   check=True)
    return [binary, "-c", str(config), "-p", str(settings.run_dir), "-g", "daemon off;"]
