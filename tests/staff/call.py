"""One call's slots, shared by the staff console's in-process tests."""

CALL = {"person_role": "carer", "need_areas": ["nutrition", "carer_support"], "network": "none",
        "has_budget": "no", "sds_step": "1", "postcode_district": "NM3", "risk_check": False}
