#!/bin/sh
# suite-fuzz.sh - the libFuzzer harnesses of tests/fuzz/ (clang,
# -fsanitize=fuzzer,address,undefined).  Without FUZZ_TIME (make check,
# make fuzz-smoke): every regression input under tests/fuzz/regress/NAME/
# once, then FUZZ_RUNS (default 2000) mutations over the seed corpus
# tests/fuzz/corpus/NAME/.  With FUZZ_TIME=S (make fuzz): each harness S
# seconds; prints execs/s and coverage.  New inputs go to a temporary
# directory, never into the repository.  Skips when clang's libFuzzer is
# missing.
set -u
cd "$(dirname "$0")/../.." || exit 2
if ! command -v clang >/dev/null 2>&1 ||
   ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "ok - fuzz harnesses # skip clang libFuzzer missing"
	exit 0
fi
if ! make -s fuzz-build >/dev/null 2>&1; then
	echo "not ok - fuzz build"
	make fuzz-build 2>&1 | tail -20 | sed 's/^/#   /'
	exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
RUNS=${FUZZ_RUNS:-2000}
fail=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c); name=${name#fuzz_}
	bin=build/fuzz/fuzz/fuzz_$name
	corpus=tests/fuzz/corpus/$name
	regress=tests/fuzz/regress/$name
	mkdir -p "$T/$name"
	if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
		if "$bin" "$regress"/* > "$T/$name.reg" 2>&1; then
			echo "ok - fuzz $name: $(ls "$regress" | wc -l) regression inputs"
		else
			echo "not ok - fuzz $name: regression input fails"; fail=1
			grep -E "ERROR|runtime error|#[0-9] |Running" "$T/$name.reg" | head -20 | sed 's/^/#   /'
		fi
	fi
	[ -d "$corpus" ] || { echo "not ok - fuzz $name: no seed corpus $corpus"; fail=1; continue; }
	if [ -n "${FUZZ_TIME:-}" ]; then
		set -- -max_total_time="$FUZZ_TIME" -print_final_stats=1
	else
		set -- -runs="$RUNS" -seed=1 -print_final_stats=1
	fi
	if "$bin" "$@" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
	    -artifact_prefix="$T/$name-" "$T/$name" "$corpus" > "$T/$name.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/$name.log")
		eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$T/$name.log")
		cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$T/$name.log" | tail -1)
		echo "ok - fuzz $name: $execs execs, $eps exec/s, $cov"
	else
		echo "not ok - fuzz $name"; fail=1
		grep -E "ERROR|runtime error|#[0-9] |Test unit written" "$T/$name.log" | head -20 | sed 's/^/#   /'
		for a in "$T/$name-"*; do
			[ -f "$a" ] && echo "#   crash input (base64): $(base64 -w0 "$a" | cut -c1-400)"
		done
	fi
done
exit $fail
