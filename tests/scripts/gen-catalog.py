#!/usr/bin/env python3
"""gen-catalog.py N DIR [valid|errors] - a synthetic rules dir with N services
for the catalog-size test (suite-catalog-size.sh) and benchmark (bench-catalog.sh).

The services are spread over 20 files (one catalog file is capped at 8 MiB).
`valid`: every service has a unique id, two domains and an API host under
.example / .example.net (RFC 2606), and one in 50 a distinct 2001:db8::/48.
`errors`: every service has seven errors (bad country, residency, category,
date, host name, an unknown key, a name claimed by an earlier service) and one
in 5 a range inside bad-0's range.  detectors.yaml is copied from
rules/, policy.yaml too with its per-service defaults renamed."""
import os
import shutil
import sys

n, out = int(sys.argv[1]), sys.argv[2]
bad = len(sys.argv) > 3 and sys.argv[3] == "errors"
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "rules")
os.makedirs(os.path.join(out, "catalog"), exist_ok=True)
shutil.copy(os.path.join(here, "detectors.yaml"), os.path.join(out, "detectors.yaml"))
# the shipped policy, its per-service defaults pointed at a synthetic service
pol = open(os.path.join(here, "policy.yaml")).read().splitlines(True)
with open(os.path.join(out, "policy.yaml"), "w") as fh:
    for line in pol:
        if line.startswith("    ") and line.split(":")[0].strip() in (
                "microsoft-365-copilot", "azure-openai", "azure-ai-foundry"):
            line = "    svc-0: sanctioned\n" if "microsoft" in line else ""
        fh.write(line)
files = 20
per = max(1, (n + files - 1) // files)
for f in range((n + per - 1) // per):
    with open(os.path.join(out, "catalog", "s%02d.yaml" % f), "w") as fh:
        fh.write("services:\n")
        for i in range(f * per, min(n, (f + 1) * per)):
            rng = ""
            if i % (5 if bad else 50) == 0:
                # valid: distinct /24s; errors: /32s inside bad-0's /24
                a = (i // 50) % 65536
                cidr = ("198.51.100.0/24" if i == 0 else
                        "198.51.100.%d/32" % (i // 5 % 256) if bad else
                        "2001:db8:%x::/48" % a)
                rng = "    ip_ranges:\n      - {cidr: %s, source: synthetic}\n" % cidr
            if bad:
                fh.write("  - id: bad-%d\n    name: S%d\n    vendor: V\n"
                         "    vendor_country: XX1\n    eu_data_residency: maybe\n"
                         "    categories: [nope]\n"
                         "    domains: [svc%d.example, BAD_%d]\n%s"
                         "    source: s\n    verified: 2026-13-01\n    bogus: 1\n"
                         % (i, i, i % 100, i, rng))
            else:
                fh.write("  - id: svc-%d\n    name: S%d\n    vendor: V\n"
                         "    vendor_country: US\n    eu_data_residency: unknown\n"
                         "    categories: [chat]\n"
                         "    domains: [svc%d.example, app.svc%d.example.net]\n"
                         "    api_hosts: [api.svc%d.example]\n%s"
                         "    source: synthetic\n    verified: 2026-12-01\n"
                         % (i, i, i, i, i, rng))
