#!/usr/bin/env python3
"""Check the AI-service catalog (rules/catalog/*.yaml).

Usage: check-catalog.py [CATALOG_DIR]     (default: rules/catalog next to tests/)

Reads every *.yaml file in the directory with PyYAML's BaseLoader (all
scalars stay strings, as libyaml hands them to the sensor), checks the schema
documented in rules/catalog/README.md and prints counts per category.
Problems are printed as `file:line:col: message`; the exit status is 1 when
there is at least one problem, 2 when the checker cannot run.

Standard library + python3-yaml only.
"""

import ipaddress
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.stderr.write("check-catalog: python3-yaml is missing (apt-get install python3-yaml)\n")
    sys.exit(2)

CATEGORIES = (
    "chat", "api", "coding", "image", "video", "audio", "writing", "translation",
    "meeting", "search", "agent", "embedded", "self-hosted", "vendor_site",
)
RESIDENCY = ("yes", "no", "optional", "unknown")
BOOLS = ("true", "false")

REQUIRED = ("id", "name", "vendor", "vendor_country", "eu_data_residency",
            "categories", "domains", "source", "verified")
OPTIONAL = ("api_hosts", "paths", "shared_hosts", "ip_ranges", "ports",
            "body_markers", "tenant_ambiguous", "contracted_candidate",
            "override_of", "notes")
ALLOWED = set(REQUIRED) | set(OPTIONAL)
STRING_KEYS = ("id", "name", "vendor", "vendor_country", "eu_data_residency",
               "source", "verified", "tenant_ambiguous", "contracted_candidate",
               "override_of", "notes")
LIST_KEYS = ("categories", "domains", "api_hosts", "paths", "shared_hosts",
             "ip_ranges", "ports", "body_markers")

# ISO 3166-1 alpha-2 (from Debian iso-codes 3166-1).
ISO3166 = set("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split()) | {"ZZ"}  # ZZ (user-assigned) = vendor country unknown

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
PATH_RE = re.compile(r"^/[\x21-\x7e]*$")

problems = []


def problem(path, node, msg):
    if node is not None:
        m = node.start_mark
        problems.append("%s:%d:%d: %s" % (path, m.line + 1, m.column + 1, msg))
    else:
        problems.append("%s: %s" % (path, msg))


def mapping_items(path, node):
    """Return [(key, key_node, value_node)] and report duplicate keys."""
    seen = {}
    out = []
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            problem(path, k, "mapping key must be a plain string")
            continue
        if k.value in seen:
            problem(path, k, "duplicate key '%s'" % k.value)
        seen[k.value] = True
        out.append((k.value, k, v))
    return out


def valid_hostname(name):
    if name != name.strip() or not name:
        return "empty or padded name"
    if "://" in name or "/" in name or ":" in name:
        return "must be a bare host name (no scheme, path or port)"
    if "*" in name:
        return "wildcards are not allowed (matching is already on label boundaries)"
    if name != name.lower():
        return "must be lower-case"
    if name.endswith("."):
        return "must not end with a dot"
    labels = name.split(".")
    if len(labels) < 2:
        return "must have at least two labels"
    if len(name) > 253:
        return "longer than 253 characters"
    for lab in labels:
        if not LABEL_RE.match(lab):
            return "bad label '%s'" % lab
    try:
        ipaddress.ip_address(name)
        return "is an IP address; use ip_ranges"
    except ValueError:
        pass
    return None


def check_date(s):
    m = DATE_RE.match(s)
    if not m:
        return False
    y, mo, d = (int(x) for x in m.groups())
    if not (1 <= mo <= 12):
        return False
    mdays = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
             31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= d <= mdays[mo - 1]


def load_file(path, services):
    try:
        with open(path, encoding="utf-8") as fh:
            root = yaml.compose(fh, Loader=yaml.BaseLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        if mark is not None:
            problems.append("%s:%d:%d: YAML error: %s" % (path, mark.line + 1, mark.column + 1,
                                                           getattr(e, "problem", e)))
        else:
            problems.append("%s: YAML error: %s" % (path, e))
        return
    except OSError as e:
        problems.append("%s: %s" % (path, e))
        return
    if root is None:
        problem(path, None, "empty file")
        return
    if not isinstance(root, yaml.MappingNode):
        problem(path, root, "top level must be a mapping with key 'services'")
        return
    svc_node = None
    for key, knode, vnode in mapping_items(path, root):
        if key == "services":
            svc_node = vnode
        else:
            problem(path, knode, "unknown top-level key '%s'" % key)
    if svc_node is None:
        problem(path, root, "missing top-level key 'services'")
        return
    if not isinstance(svc_node, yaml.SequenceNode):
        problem(path, svc_node, "'services' must be a list")
        return
    for item in svc_node.value:
        if not isinstance(item, yaml.MappingNode):
            problem(path, item, "service entry must be a mapping")
            continue
        svc = {"_file": path, "_node": item, "_keys": {}}
        for key, knode, vnode in mapping_items(path, item):
            svc["_keys"][key] = knode
            if key not in ALLOWED:
                problem(path, knode, "unknown key '%s'" % key)
                continue
            if key in STRING_KEYS:
                if not isinstance(vnode, yaml.ScalarNode):
                    problem(path, vnode, "'%s' must be a string" % key)
                    continue
                svc[key] = (vnode.value, vnode)
            elif key == "ip_ranges":
                if not isinstance(vnode, yaml.SequenceNode):
                    problem(path, vnode, "'ip_ranges' must be a list")
                    continue
                rl = []
                for r in vnode.value:
                    if not isinstance(r, yaml.MappingNode):
                        problem(path, r, "ip_ranges entry must be a mapping {cidr, source}")
                        continue
                    ent = {}
                    for rk, rkn, rv in mapping_items(path, r):
                        if rk not in ("cidr", "source"):
                            problem(path, rkn, "unknown key '%s' in ip_ranges entry" % rk)
                        elif not isinstance(rv, yaml.ScalarNode):
                            problem(path, rv, "'%s' must be a string" % rk)
                        else:
                            ent[rk] = (rv.value, rv)
                    rl.append((ent, r))
                svc[key] = (rl, vnode)
            else:  # other lists of scalars
                if not isinstance(vnode, yaml.SequenceNode):
                    problem(path, vnode, "'%s' must be a list" % key)
                    continue
                vals = []
                for el in vnode.value:
                    if not isinstance(el, yaml.ScalarNode):
                        problem(path, el, "'%s' entries must be strings" % key)
                        continue
                    vals.append((el.value, el))
                svc[key] = (vals, vnode)
        services.append(svc)


def check_service(svc, ids):
    f = svc["_file"]
    node = svc["_node"]
    for k in REQUIRED:
        if k not in svc and k not in svc["_keys"]:
            problem(f, node, "missing required key '%s'" % k)
    if "id" in svc:
        v, n = svc["id"]
        if not ID_RE.match(v):
            problem(f, n, "id '%s' is not a lower-case slug ([a-z0-9-])" % v)
        if v in ids:
            of, on = ids[v]
            problem(f, n, "duplicate id '%s' (first at %s:%d)" % (v, of, on.start_mark.line + 1))
        else:
            ids[v] = (f, n)
    for k in ("name", "vendor", "source"):
        if k in svc and not svc[k][0].strip():
            problem(f, svc[k][1], "'%s' must not be empty" % k)
    if "vendor_country" in svc:
        v, n = svc["vendor_country"]
        if v not in ISO3166:
            problem(f, n, "vendor_country '%s' is not an ISO 3166-1 alpha-2 code" % v)
    if "eu_data_residency" in svc:
        v, n = svc["eu_data_residency"]
        if v not in RESIDENCY:
            problem(f, n, "eu_data_residency '%s' not one of %s" % (v, "/".join(RESIDENCY)))
    for k in ("tenant_ambiguous", "contracted_candidate"):
        if k in svc and svc[k][0] not in BOOLS:
            problem(f, svc[k][1], "'%s' must be true or false" % k)
    if "verified" in svc:
        v, n = svc["verified"]
        if not check_date(v):
            problem(f, n, "verified '%s' is not a date YYYY-MM-DD" % v)
    cats = []
    if "categories" in svc:
        vals, ln = svc["categories"]
        if not vals:
            problem(f, ln, "categories must not be empty")
        seen = set()
        for v, n in vals:
            if v not in CATEGORIES:
                problem(f, n, "unknown category '%s'" % v)
            if v in seen:
                problem(f, n, "category '%s' listed twice" % v)
            seen.add(v)
            cats.append(v)
    svc["_cats"] = cats
    for k in ("domains", "api_hosts", "shared_hosts"):
        if k not in svc:
            continue
        seen = set()
        for v, n in svc[k][0]:
            why = valid_hostname(v)
            if why:
                problem(f, n, "%s entry '%s': %s" % (k, v, why))
            if v in seen:
                problem(f, n, "%s entry '%s' listed twice" % (k, v))
            seen.add(v)
    if "paths" in svc:
        for v, n in svc["paths"][0]:
            if not PATH_RE.match(v):
                problem(f, n, "path '%s' must start with '/' and hold no spaces" % v)
    if "ports" in svc:
        for v, n in svc["ports"][0]:
            if not v.isdigit() or not (1 <= int(v) <= 65535):
                problem(f, n, "port '%s' is not 1..65535" % v)
    if "body_markers" in svc:
        for v, n in svc["body_markers"][0]:
            if len(v) < 4:
                problem(f, n, "body marker '%s' is too short to be specific" % v)
    if "ip_ranges" in svc:
        for ent, rn in svc["ip_ranges"][0]:
            if "cidr" not in ent or "source" not in ent:
                problem(f, rn, "ip_ranges entry needs both 'cidr' and 'source'")
                continue
            try:
                ipaddress.ip_network(ent["cidr"][0], strict=True)
            except ValueError as e:
                problem(f, ent["cidr"][1], "bad CIDR '%s': %s" % (ent["cidr"][0], e))
            if not ent["source"][0].strip():
                problem(f, ent["source"][1], "ip_ranges source must not be empty")
    if "shared_hosts" in svc and svc["shared_hosts"][0] and not svc.get("paths", ([], None))[0]:
        problem(f, svc["shared_hosts"][1], "shared_hosts need 'paths' (a shared host alone is not AI evidence)")
    if "self-hosted" in cats:
        if not svc.get("ports", ([], None))[0] and not svc.get("paths", ([], None))[0]:
            problem(f, node, "self-hosted service needs 'ports' or 'paths'")
    has_matcher = any(svc.get(k, ([], None))[0] for k in
                      ("domains", "api_hosts", "shared_hosts", "ports", "paths", "ip_ranges"))
    svc["_placeholder"] = not has_matcher
    if not has_matcher and "notes" not in svc:
        problem(f, node, "service has nothing to match on; add domains/paths or explain in 'notes'")


def check_conflicts(services, ids):
    """No host may be claimed by two services, on label boundaries."""
    claims = {}  # name -> (svc_id, file, node)
    for svc in services:
        if "id" not in svc:
            continue
        sid = svc["id"][0]
        names = set()
        for k in ("domains", "api_hosts"):
            for v, n in svc.get(k, ([], None))[0]:
                if v in names:
                    continue  # api_hosts may repeat a domain of the same service
                names.add(v)
                if v in claims and claims[v][0] != sid:
                    o = claims[v]
                    problem(svc["_file"], n, "host '%s' also claimed by service '%s' (%s:%d)"
                            % (v, o[0], o[1], o[2].start_mark.line + 1))
                else:
                    claims.setdefault(v, (sid, svc["_file"], n))
    used_override = {}
    svc_cats = {svc["id"][0]: svc.get("_cats", ()) for svc in services if "id" in svc}
    for svc in services:
        if "id" not in svc:
            continue
        sid = svc["id"][0]
        ov = svc.get("override_of", (None, None))
        if ov[0] is not None:
            if ov[0] == sid:
                problem(svc["_file"], ov[1], "override_of names the service itself")
            elif ov[0] not in ids:
                problem(svc["_file"], ov[1], "override_of names unknown service '%s'" % ov[0])
        for k in ("domains", "api_hosts"):
            for v, n in svc.get(k, ([], None))[0]:
                labels = v.split(".")
                for i in range(1, len(labels) - 0):
                    parent = ".".join(labels[i:])
                    if parent not in claims:
                        continue
                    owner = claims[parent][0]
                    if owner == sid:
                        continue
                    if ov[0] == owner:
                        used_override[sid] = True
                        continue
                    if "vendor_site" in svc_cats.get(owner, ()):
                        continue    # a vendor's site is the fallback for its domain
                    o = claims[parent]
                    problem(svc["_file"], n, "host '%s' lies under '%s' of service '%s' (%s:%d); "
                            "set override_of: %s if this is intended"
                            % (v, parent, owner, o[1], o[2].start_mark.line + 1, owner))
        for v, n in svc.get("shared_hosts", ([], None))[0]:
            labels = v.split(".")
            for i in range(0, len(labels)):
                parent = ".".join(labels[i:])
                if parent in claims:
                    o = claims[parent]
                    problem(svc["_file"], n, "shared host '%s' is already matched by '%s' of service '%s'"
                            % (v, parent, o[0]))
        if ov[0] is not None and ov[0] in ids and ov[0] != sid and sid not in used_override:
            problem(svc["_file"], ov[1], "override_of: %s but no host of this service lies under one of '%s'"
                    % (ov[0], ov[0]))


def check_ip_overlaps(services):
    nets = []
    for svc in services:
        for ent, rn in svc.get("ip_ranges", ([], None))[0]:
            if "cidr" not in ent:
                continue
            try:
                net = ipaddress.ip_network(ent["cidr"][0], strict=True)
            except ValueError:
                continue
            for onet, osid in nets:
                if osid != svc["id"][0] and net.version == onet.version and net.overlaps(onet):
                    problem(svc["_file"], ent["cidr"][1], "CIDR %s overlaps %s of service '%s'"
                            % (net, onet, osid))
            nets.append((net, svc["id"][0]))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "rules", "catalog"))
    cdir = sys.argv[1] if len(sys.argv) > 1 else default
    if not os.path.isdir(cdir):
        sys.stderr.write("check-catalog: no directory %s\n" % cdir)
        return 2
    files = sorted(os.path.join(cdir, f) for f in os.listdir(cdir) if f.endswith(".yaml"))
    if not files:
        sys.stderr.write("check-catalog: no *.yaml files in %s\n" % cdir)
        return 2
    services = []
    for path in files:
        load_file(os.path.relpath(path), services)
    ids = {}
    for svc in services:
        check_service(svc, ids)
    check_conflicts(services, ids)
    check_ip_overlaps(services)

    per_cat = {c: 0 for c in CATEGORIES}
    per_file = {}
    ambiguous, contracted, placeholders, unchecked, nhosts = [], [], [], [], 0
    for svc in services:
        for c in svc.get("_cats", []):
            if c in per_cat:
                per_cat[c] += 1
        per_file[svc["_file"]] = per_file.get(svc["_file"], 0) + 1
        sid = svc.get("id", ("?", None))[0]
        if svc.get("tenant_ambiguous", ("false",))[0] == "true":
            ambiguous.append(sid)
        if svc.get("contracted_candidate", ("false",))[0] == "true":
            contracted.append(sid)
        if svc.get("_placeholder"):
            placeholders.append(sid)
        if svc.get("notes", ("",))[0].startswith("unchecked"):
            unchecked.append(sid)
        nhosts += len(svc.get("domains", ([],))[0]) + len(svc.get("api_hosts", ([],))[0])

    print("catalog: %d services in %d files, %d host names" % (len(services), len(files), nhosts))
    print("per category (a service may have several):")
    for c in CATEGORIES:
        print("  %-12s %4d" % (c, per_cat[c]))
    print("per file:")
    for f in sorted(per_file):
        print("  %-40s %4d" % (f, per_file[f]))
    print("tenant_ambiguous (%d): %s" % (len(ambiguous), ", ".join(sorted(ambiguous))))
    print("contracted_candidate (%d): %s" % (len(contracted), ", ".join(sorted(contracted))))
    if placeholders:
        print("without network indicators (documented in notes) (%d): %s"
              % (len(placeholders), ", ".join(sorted(placeholders))))
    if unchecked:
        print("domains not cross-checked against a public list (notes start with 'unchecked') (%d): %s"
              % (len(unchecked), ", ".join(sorted(unchecked))))
    if len(services) < 300:
        problems.append("%s: only %d services; the catalog must list at least 300" % (cdir, len(services)))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("check-catalog: %d problem(s)" % len(problems), file=sys.stderr)
        return 1
    print("check-catalog: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
