"""The RTP payloads of a pcap file (Ethernet, IPv4, UDP), concatenated: raw audio for sipp's
rtp_stream action.

    python3 bench/voice/pcap_payload.py /usr/share/sip-tester/g711a.pcap speech.alaw

Only packets of the first payload type seen are kept (Debian's g711a.pcap: PCMA, type 8).
"""
import struct
import sys


def payloads(data):
    offset, kept_type = 24, None  # past the pcap file header
    while offset + 16 <= len(data):
        length = struct.unpack_from("<I", data, offset + 8)[0]
        packet = data[offset + 16 : offset + 16 + length]
        offset += 16 + length
        ip = packet[14:]
        rtp = ip[(ip[0] & 15) * 4 + 8 :]
        payload_type = rtp[1] & 127
        kept_type = payload_type if kept_type is None else kept_type
        if payload_type == kept_type:
            yield rtp[12 + (rtp[0] & 15) * 4 :]


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        audio = b"".join(payloads(f.read()))
    with open(sys.argv[2], "wb") as f:
        f.write(audio)
