#!/bin/sh
# bench-doc.sh - document extraction + DLP throughput (issue 14), run by
# make bench-dlp after bench-dlp.sh: the same synthetic prose as plain
# text, .docx and PDF (tests/scripts/doc/mkbench.py), each through
# build/tools/doctext -B (extractor + every shipped detector, one core);
# MB/s of the input as sent (compressed for docx/PDF) and of the text
# inflated.  Writes the "## Documents" section of docs/BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/../.."
BIN=build/tools/doctext
MB=${BENCH_DOC_MB:-20}
DOC=docs/BENCHMARKS.md
[ -x "$BIN" ] || { echo "bench-doc: $BIN missing (make all)" >&2; exit 1; }
PIN=
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 tests/scripts/doc/mkbench.py "$T" "$MB"
row() {
	# name file: passes so that about 100 MB of text is scanned
	set -- "$1" "$2" "$(( (100 + MB - 1) / MB ))"
	r=$($PIN "$BIN" -B "$3" -n "$(basename "$2")" "$2")
	in=$(echo "$r" | cut -d' ' -f1); infl=$(echo "$r" | cut -d' ' -f2); nf=$(echo "$r" | cut -d' ' -f3)
	sz=$(stat -c %s "$2")
	txt=$(stat -c %s "$T/bench.txt")
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$(echo "$sz" | awk '{printf "%.1f", $1/1e6}')" \
	    "$in" "$( [ "$infl" = 0.0 ] && echo "-" || echo "$infl")" \
	    "$(echo "$txt $sz $in" | awk '{printf "%.1f", $1 / $2 * $3}')" "$nf"
}
TABLE=$(
	echo "| input | size MB | MB/s as sent | MB/s inflated | MB/s of text | findings |"
	echo "|---|---|---|---|---|---|"
	row "plain text" "$T/bench.txt"
	row ".docx (ZIP + XML)" "$T/bench.docx"
	row "PDF (FlateDecode)" "$T/bench.pdf"
)
echo "$TABLE"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
LOAD=$(cut -d' ' -f1 /proc/loadavg)
SECTION=$(cat <<EOT
## Documents

\`make bench-dlp\` (tests/scripts/bench-doc.sh, $(date -u +%Y-%m-%d), ${CPU:-unknown CPU},
one core, \`-O2\`, load average $LOAD when run).  The same ${MB} MB of synthetic prose (a made-up BSN every
~4 KB) as plain text, as a .docx and as a PDF made by
tests/scripts/doc/mkbench.py, each through \`build/tools/doctext -B\`: the
extractor (dlp/doc.h) and every shipped detector, one detector stream per
member, 64 KiB pieces.  "As sent" is the upload's own size (compressed for
.docx and PDF); "inflated" the XML or content-stream bytes zlib produced;
"of text" the ${MB} MB of prose per second of the whole run, i.e. how long
the same content takes as plain text, as .docx and as PDF.  Findings are
per run (dedupe per stream keeps repeats of the one BSN out).

$TABLE

Compare within one run only: on a shared, loaded machine the absolute
figures move by a factor two between runs.  The detectors dominate plain
text; a .docx costs about 1.2-1.5 x plain text for the same content
(inflate + XML tokenizer); a PDF about 4-6 x (the content-stream tokenizer
is byte by byte except runs inside strings).  Per byte as sent a compressed
document is slower, since each byte inflates to 4-5 bytes of markup and
text.
EOT
)
TMP=$(mktemp)
export SECTION
awk '
	BEGIN { sec = ENVIRON["SECTION"] }
	/^## Documents[[:space:]]*$/ { skip = 1; if (!done) { print sec; print ""; done = 1 }; next }
	skip && /^## / { skip = 0 }
	!skip { print }
	END { if (!done) { print ""; print sec } }
' "$DOC" > "$TMP"
mv "$TMP" "$DOC"
echo "bench-doc: updated $DOC"
