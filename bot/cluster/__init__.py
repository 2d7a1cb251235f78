"""`make cluster`: Rasa's own scale-out stack on one machine (nginx, N Rasa, N action servers,
PostgreSQL tracker store, Redis lock store, RabbitMQ event broker, the needs-log consumer)."""
