"""The peers `python -m bench --only peers` races ours against: small Django projects of their own
(plan_direct, celery_progress), each served by daphne with our multipart fix; see bench/peers/README.md."""
