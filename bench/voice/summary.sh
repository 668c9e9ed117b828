#!/usr/bin/env bash
# The voice benchmark's summary, from what scripts/bench-voice.sh left in OUT:
#
#   bench/voice/summary.sh OUT CALLS ELAPSED_S CALLERS_STATUS UDP_IN NO_PORTS RCVBUF_ERRORS \
#     SERVER_DROPS TALK_MS
#
# Calls from the callers' sipp statistics (caller_*_.csv, one row a second), concurrency, CPU,
# memory and run-queue wait from samples.csv, RTP from rtp.pcapng (tshark's RTP stream
# analysis), recordings from OUT/data/recordings (each should last about TALK_MS: the media
# thread appends 20 ms to every recording on each tick, so a shorter one means skipped ticks).
# SERVER_DROPS: datagrams the kernel dropped on the server's RTP sockets. The machine's UDP
# counters (/proc/net/snmp deltas) are for scale only: they include sipp's media sockets, which
# sipp never reads (it only sends), so their drops are no loss.
set -euo pipefail
out=$1 calls=$2 elapsed=$3 status=$4 udp_in=$5 no_ports=$6 rcvbuf=$7 server_drops=$8 talk_ms=$9

# column FILE NAME: the values of sipp's statistics column NAME, one a line.
column() {
  awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
    c { print $c }' "$1"
}
max() { sort -n | tail -1; }
caller_csv=$(find "$out" -maxdepth 1 -name 'caller_*_.csv' | head -1)
agent_csv=$(find "$out" -maxdepth 1 -name 'agent_*_.csv' | head -1)

created=$(column "$caller_csv" TotalCallCreated | max)
ok=$(column "$caller_csv" 'SuccessfulCall(C)' | tail -1)
failed=$(column "$caller_csv" 'FailedCall(C)' | tail -1)
# Seconds until the last call was started (to the next statistics row).
ramp_s=$(column "$caller_csv" TotalCallCreated | awk -v n="$calls" '$1 >= n { print NR - 1; exit }')
rate=$(awk -v n="$created" -v s="${ramp_s:-0}" 'BEGIN { printf (s > 0 ? "%.1f" : "?"), n / s }')
peak_calls=$(column "$caller_csv" CurrentCall | max)
peak_legs=$(column "$agent_csv" CurrentCall | max)

# The server over the seconds with at least 300 bridged calls (the issue's figure; 90% of the
# peak if it is lower): mean and max CPU, mean run-queue wait, sipps' CPU; RSS over the run.
read -r peak_bridged steady_s cpu_mean cpu_max wait_ms rss_max phones_cpu callers_cpu < <(
  awk -F, 'NR > 1 { row[NR] = $0; if ($4 > peak) peak = $4; if ($3 > rss) rss = $3 }
    END {
      steady = peak < 300 ? 0.9 * peak : 300
      for (r in row) {
        split(row[r], f, ",")
        if (f[4] < steady) continue
        n++; cpu += f[2]; if (f[2] > top) top = f[2]; p += f[5]; c += f[6]; w += f[7]
      }
      if (n == 0) n = 1
      printf "%d %d %.0f %d %.0f %d %.0f %.0f\n", peak, n, cpu / n, top, w / n, rss, p / n, c / n
    }' "$out/samples.csv")

# RTP on lo during the capture, per direction: streams, packets, lost (sequence gaps), the
# worst gap between two packets of a stream, mean jitter.
rtp="no capture"
if [[ -s $out/rtp.pcapng ]]; then
  rtp=$(tshark -r "$out/rtp.pcapng" --enable-heuristic rtp_udp -q -z rtp,streams 2>/dev/null |
    awk '$9 ~ /^[0-9]+$/ && $10 ~ /^-?[0-9]+$/ {
        d = ($4 >= 10000 && $4 <= 19999) ? "server->sipp" : "sipp->server"
        n[d]++; pk[d] += $9; lost[d] += $10; if ($14 > gap[d]) gap[d] = $14; jit[d] += $16
      }
      END {
        for (d in n)
          printf "%s: %d streams, %d packets, %d lost, max gap %.0f ms, mean jitter %.2f ms\n",
            d, n[d], pk[d], lost[d], gap[d], jit[d] / n[d]
      }' | sort)
  capture=$(grep -o 'received/dropped on interface[^(]*' "$out/dumpcap.log" || echo '?')
  rtp+=$'\n'"capture $capture"
fi
indent=$'\n'"                     "

read -r rec_count rec_empty rec_short rec_min rec_median rec_max < <(
  python3 - "$out/data/recordings" "$talk_ms" <<'PY'
import pathlib, sys, wave
seconds, empty, short = [], 0, 0
for path in pathlib.Path(sys.argv[1]).glob("*.wav"):
    try:
        with wave.open(str(path)) as w:
            s = w.getnframes() / w.getframerate()
    except (wave.Error, EOFError):
        s = 0
    empty += s == 0
    short += s < 0.9 * int(sys.argv[2]) / 1000
    seconds.append(s)
seconds.sort()
pick = lambda q: seconds[int(q * (len(seconds) - 1))] if seconds else 0
print(len(seconds), empty, short, f"{pick(0):.1f} {pick(0.5):.1f} {pick(1):.1f}")
PY
)

cat <<TXT
calls started        $created in ${ramp_s:-?} s = $rate calls/s (sipp exit $status; run $elapsed s)
calls successful     $ok
calls failed         $failed
peak calls           $peak_calls in progress (callers' sipp), $peak_legs agent legs (phones' sipp)
peak bridged         $peak_bridged recorded calls at once (recordings open in the server)
server CPU           mean $cpu_mean%, max $cpu_max% of one core (the $steady_s s with >= 300 bridged)
server run queue     mean $wait_ms ms a second waiting for a CPU (all threads, same seconds)
server RSS           max $rss_max MB
sipp CPU             phones $phones_cpu%, callers $callers_cpu% of one core (same seconds)
RTP capture (lo)     ${rtp//$'\n'/$indent}
RTP into the server  $server_drops datagrams dropped by the kernel on the server's RTP sockets
UDP (machine)        $udp_in in, $rcvbuf dropped (sipp's unread sockets), $no_ports to closed ports
recordings           $rec_count files, $rec_empty empty, $rec_short shorter than 90% of the talk time
                     seconds min $rec_min / median $rec_median / max $rec_max
results in           $out
TXT
