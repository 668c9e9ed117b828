#!/usr/bin/env bash
# The voice benchmark (docs/performance.md "Voice (sipp)"): sipp calls `hotline serve --sip` at a
# fixed rate; every call waits in a queue, is bridged to an agent's phone (another sipp, the UAS)
# and recorded. Prints a summary; keeps everything in OUT.
#
#   scripts/bench-voice.sh                       # 50 calls/s, 3000 calls, 500 agents, 8 s talk
#   RATE=60 CALLS=6000 TALK_MS=10000 AGENTS=700 scripts/bench-voice.sh
#
# Settings (environment):
#   RATE (calls/s), CALLS, LIMIT (sipp's cap on calls in progress), AGENTS, ANSWER_MS and
#   TALK_MS (the agents' phones); HOTLINE (the binary; default: built in build-bench); OUT (kept
#   results; default: a new /tmp/bench-voice.XXXXXX);
#   RTPRIO: if set, the server, both sipps and dumpcap run SCHED_FIFO at that priority (chrt;
#   root), as media servers are deployed. `nice` would not do: with autogroup scheduling it
#   only ranks processes within one session, not against other sessions' compilers;
#   CAPTURE_AT, CAPTURE_S: dumpcap records the server's RTP on lo for CAPTURE_S seconds from
#   CAPTURE_AT seconds after the first call, for loss and jitter (default 25 and 5; 0: none).
#
# In OUT: center.yaml (bench/voice/center.sh), data/ (the server's data directory, recordings/),
# server.log, caller_*_.csv and agent_*_.csv (sipp's -trace_stat, one row a second),
# *_screen.log (sipp's final screens), *_errors.log, samples.csv (bench/voice/sample.sh),
# rtp.pcapng, summary.txt (bench/voice/summary.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
RATE=${RATE:-50} CALLS=${CALLS:-3000} LIMIT=${LIMIT:-600} AGENTS=${AGENTS:-500}
ANSWER_MS=${ANSWER_MS:-500} TALK_MS=${TALK_MS:-8000} RTPRIO=${RTPRIO:-}
CAPTURE_AT=${CAPTURE_AT:-25} CAPTURE_S=${CAPTURE_S:-5}
OUT=${OUT:-$(mktemp -d /tmp/bench-voice.XXXXXX)}
mkdir -p "$OUT"
if [[ -z ${HOTLINE:-} ]]; then
  HOTLINE=$root/build-bench/src/cli/hotline
  cmake -S "$root" -B "$root/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$root/build-bench" -j2 hotline >/dev/null
fi
scenarios=$root/tests/voice/scenarios
pcap=/usr/share/sip-tester/g711a.pcap

# Every call holds 4 sockets in the server (RTP and RTCP of two legs) and a recording.
ulimit -n "$(ulimit -Hn)"

run=()  # how the server, the sipps and dumpcap are started
[[ -n $RTPRIO ]] && run=(chrt -f "$RTPRIO")

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() {  # an even UDP+TCP port free on 127.0.0.1 now
  python3 - <<'PY'
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    if port % 2: continue
    t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try: t.bind(("127.0.0.1", port))
    except OSError: continue
    print(port); break
PY
}

# fill TEMPLATE OUT KEY=VALUE...: a copy with every @KEY@ replaced (values may span lines).
shopt -u patsub_replacement 2>/dev/null || true  # '&' in a value is not the match
fill() {
  local text key value
  text=$(<"$1")
  local to=$2
  shift 2
  for pair in "$@"; do
    key=${pair%%=*} value=${pair#*=}
    text=${text//@$key@/$value}
  done
  printf '%s\n' "$text" >"$to"
}

sip_port=$(free_port) phones_port=$(free_port) phones_media=$(free_port)
callers_port=$(free_port) callers_media=$(free_port)

rtp_ports=10000-19999
"$root/bench/voice/center.sh" "$AGENTS" "127.0.0.1:$phones_port" "$rtp_ports" $((2 * LIMIT)) \
  >"$OUT/center.yaml"
# Audio: sipp's rtp_stream (one UDP socket per call, looped A-law from Debian's g711a.pcap), not
# play_pcap_audio, whose raw socket per playing call receives a copy of every UDP packet on the
# machine (hundreds of them cost the kernel more than the server's whole media path).
python3 "$root/bench/voice/pcap_payload.py" "$pcap" "$OUT/speech.alaw"
stream="rtp_stream=\"$OUT/speech.alaw,-1,8\""
fill "$scenarios/agent.xml" "$OUT/agent.xml" AGENT=agent "ANSWER_MS=$ANSWER_MS" "TALK_MS=$TALK_MS"
fill "$scenarios/caller.xml" "$OUT/caller.xml" \
  "ACTIONS=  <nop><action><exec $stream/></action></nop>" \
  "END_BLOCK=$(<"$root/bench/voice/wait_bye.xml")"
sed -i -e 's/\[media_port\]/[rtpstream_audio_port]/' \
  -e "s|play_pcap_audio=\"$pcap\"|$stream|" "$OUT/agent.xml" "$OUT/caller.xml"

echo "server: $HOTLINE serve --sip 127.0.0.1:$sip_port (data $OUT/data)"
"${run[@]}" "$HOTLINE" serve --config "$OUT/center.yaml" --data "$OUT/data" --http 127.0.0.1:0 \
  --sip "127.0.0.1:$sip_port" --ready-file "$OUT/ready" >"$OUT/server.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 600); do
  grep -q '^sip=' "$OUT/ready" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { tail "$OUT/server.log"; exit 1; }
  sleep 0.1
done
http=$(sed -n 's/^http=//p' "$OUT/ready")
api=http://$http/api/v1
password=$(<"$OUT/data/initial-admin-password")
token=$(curl -sf "$api/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | jq -r .token)
for ((i = 1; i <= AGENTS; i++)); do
  echo "url = \"$api/agents/b$i/presence\""
  echo "output = /dev/null"
done >"$OUT/ready-agents.curl"
ready=$(curl -s --no-progress-meter --parallel --parallel-max 8 -w '%{http_code}\n' -X POST \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"presence":"ready"}' -K "$OUT/ready-agents.curl" | grep -c '^200$' || true)
echo "agents ready: $ready of $AGENTS"
[[ $ready -eq $AGENTS ]] || exit 1

sipp_common=(-i 127.0.0.1 -nostdin -trace_stat -fd 1 -trace_screen -trace_err)
(cd "$OUT" && exec "${run[@]}" sipp -sf agent.xml -p "$phones_port" -mp "$phones_media" \
  "${sipp_common[@]}" >agent.out 2>&1) &
phones=$!
pids+=("$phones")

udp_counters() { awk '/^Udp:/ { if (++n == 2) print $2, $3, $6 }' /proc/net/snmp; }
read -r in0 noports0 rcvbuf0 < <(udp_counters)

echo "callers: $RATE calls/s, $CALLS calls, at most $LIMIT at once"
start=$(date +%s)
(cd "$OUT" && exec "${run[@]}" sipp -sf caller.xml -s 3000 "127.0.0.1:$sip_port" \
  -p "$callers_port" -mp "$callers_media" -r "$RATE" -l "$LIMIT" -m "$CALLS" \
  "${sipp_common[@]}" >caller.out 2>&1) &
callers=$!
pids+=("$callers")
if ((CAPTURE_S > 0)); then
  (sleep "$CAPTURE_AT" && exec "${run[@]}" dumpcap -q -i lo -a "duration:$CAPTURE_S" \
    -f "udp and portrange $rtp_ports" -w "$OUT/rtp.pcapng") >"$OUT/dumpcap.log" 2>&1 &
  pids+=($!)
fi
# samples.csv: once a second, the server's CPU, RSS, bridged calls... (bench/voice/sample.sh).
"$root/bench/voice/sample.sh" "$server" "$phones" "$callers" "${rtp_ports%-*}" "${rtp_ports#*-}" \
  "$OUT/udp-drops.txt" >"$OUT/samples.csv" &
sampler=$!
set +e
wait "$callers"
callers_status=$?
set -e
wait "$sampler"
elapsed=$(($(date +%s) - start))
read -r in1 noports1 rcvbuf1 < <(udp_counters)
kill -USR2 "$phones" 2>/dev/null || true  # its screen (agent_*_screens.log)
sleep 1

touch "$OUT/udp-drops.txt"
server_drops=$(awk '$2 > d[$1] { d[$1] = $2 } END { for (i in d) n += d[i]; print n + 0 }' \
  "$OUT/udp-drops.txt")
"$root/bench/voice/summary.sh" "$OUT" "$CALLS" "$elapsed" "$callers_status" \
  "$((in1 - in0))" "$((noports1 - noports0))" "$((rcvbuf1 - rcvbuf0))" "$server_drops" \
  "$TALK_MS" | tee "$OUT/summary.txt"
