#!/usr/bin/env bash
# Samples the voice benchmark's processes once a second while CALLERS (a pid) runs:
#
#   bench/voice/sample.sh SERVER PHONES CALLERS RTP_LOW RTP_HIGH DROPS_FILE > samples.csv
#
# Each row: seconds, the server's CPU (% of one core, from /proc/PID/stat), its RSS (MB), the
# recordings it has open (= bridged calls), both sipps' CPU, and how long the server's threads
# waited for a CPU while runnable (ms per second, from /proc/PID/task/*/schedstat). Rates are
# over the measured interval (a bit over a second). Appends to DROPS_FILE
# "inode drops" for every UDP socket on a port in RTP_LOW..RTP_HIGH (the server's RTP and RTCP)
# that the kernel dropped datagrams on (/proc/net/udp): its buffer was full, the media thread
# was behind.
set -uo pipefail
server=$1 phones=$2 callers=$3 rtp_low=$4 rtp_high=$5 drops_file=$6
ticks=$(getconf CLK_TCK)

cpu_ticks() {
  local f
  read -r -a f 2>/dev/null <"/proc/$1/stat" && echo $((f[13] + f[14])) || echo 0
}
run_queue_ns() {
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ n += $2 } END { printf "%.0f\n", n }'
}
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
recordings_open() { find "/proc/$1/fd" -lname '*/recordings/*' 2>/dev/null | wc -l; }
socket_drops() {
  awk -v low="$rtp_low" -v high="$rtp_high" '
    function hex(s, i, n) {
      for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
      return n
    }
    NR > 1 && $NF > 0 {
      split($2, a, ":")
      if (hex(a[2]) >= low && hex(a[2]) <= high) print $10, $NF
    }
  ' /proc/net/udp
}
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
pct() { echo $((($2 - $1) * 100000 / ticks / (t1 - t0))); }  # CPU ticks over t0..t1 (ms)

echo "t_s,server_cpu_pct,server_rss_mb,recordings_open,phones_cpu_pct,callers_cpu_pct,\
server_runq_wait_ms"
s0=$(cpu_ticks "$server") p0=$(cpu_ticks "$phones") c0=$(cpu_ticks "$callers")
w0=$(run_queue_ns "$server") t=0 t0=$(now_ms)
while kill -0 "$callers" 2>/dev/null; do
  sleep 1
  t=$((t + 1))
  s1=$(cpu_ticks "$server") p1=$(cpu_ticks "$phones") c1=$(cpu_ticks "$callers")
  w1=$(run_queue_ns "$server") t1=$(now_ms)
  echo "$t,$(pct "$s0" "$s1"),$(rss_mb "$server"),$(recordings_open "$server"),$(pct "$p0" "$p1"),$(
    pct "$c0" "$c1"),$(((w1 - w0) / 1000 / (t1 - t0)))"
  s0=$s1 p0=$p1 c0=$c1 w0=$w1 t0=$t1
  socket_drops >>"$drops_file"
done
