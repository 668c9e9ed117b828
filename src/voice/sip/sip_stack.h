// SIP signalling over UDP and TCP with sofia-sip's NUA, its own media handling switched off
// (NUTAG_MEDIA_ENABLE(0)): SDP bodies pass through as text, written and read by sdp.h.
//
// The stack runs sofia's event loop (su_root) on its own thread. It answers REGISTER itself
// (digest authentication against SipAccounts, bindings kept in the Registrar) and OPTIONS (sofia
// answers 200). Calls are reported to the Listener as CallEvents and driven with the methods
// below, which may be called from any thread: each is posted to the SIP thread.
//
// Calls are named by CallId, ours, never reused. An incoming INVITE becomes kIncoming; the
// listener answers with Respond (a final status, with SDP for 2xx). An outgoing call (Invite)
// reports kRinging, kAnswered (with the peer's SDP) or kFailed (the final status). Either kind
// reports kEnded once, when the dialog is over (BYE either way, CANCEL, failure); after kEnded
// the id is void.
//
// Thread-safety: the Listener is called on the SIP thread; it must not block (post to your own
// loop). Every public method is safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "base/time.h"

namespace hotline::voice::sip {

class Registrar;
class SipAccounts;

using CallId = uint64_t;

struct CallEvent {
  enum class Kind : uint8_t {
    kIncoming,  // a new INVITE: from, dialed, sdp
    kRinging,   // our INVITE got 180/183
    kAnswered,  // our INVITE got 2xx: sdp is the answer (the stack ACKs it)
    kFailed,    // our INVITE got a final status >= 300 (status, reason)
    kEnded,     // the dialog is over: the peer hung up or canceled, or it failed (status)
  };
  Kind kind{};
  CallId call = 0;
  int status = 0;
  std::string reason;
  std::string from_user;     // kIncoming: the caller's user part ("0912345678")
  std::string from_display;  // kIncoming: display name, if any
  std::string dialed;        // kIncoming: the request URI's user part ("1000")
  std::string sdp;           // kIncoming: the offer; kAnswered: the answer
  std::string remote_ip;     // the address the request came from
};

struct SipOptions {
  std::string ip = "127.0.0.1";  // where to listen (UDP and TCP); also the address in our SDP
  uint16_t port = 5060;
  std::string realm = "hotline";
  std::string user_agent = "Hotline";
};

struct SipCounters {
  uint64_t invites_in = 0;
  uint64_t invites_out = 0;
  uint64_t registers = 0;
  uint64_t auth_failures = 0;
  uint64_t calls_open = 0;  // dialogs known to the stack now
};

class SipStack {
 public:
  using Listener = std::function<void(CallEvent)>;

  // `accounts` and `registrar` must outlive the stack. Starts the SIP thread and binds; an address
  // already in use or a bad address is an error (nothing started).
  static Result<std::unique_ptr<SipStack>> Start(SipOptions options, const SipAccounts* accounts,
                                                 Registrar* registrar, Listener listener);
  // Stops: ends every open call (BYE or 503), shuts sofia down (waits up to 2 s) and joins the
  // thread.
  ~SipStack();

  // Final response to an incoming INVITE: 200 with `sdp`, or an error status. `retry_after_s`
  // adds Retry-After (503). A provisional status (180) may come first.
  void Respond(CallId call, int status, std::string reason, std::string sdp = {},
               int retry_after_s = 0);
  // A new outgoing call to `uri` ("sip:a1@127.0.0.1:5062"), with our SDP offer. `from_user`
  // and `from_display` name the customer to the agent's phone.
  CallId Invite(std::string uri, std::string from_user, std::string from_display, std::string sdp);
  // Hangs up: BYE when answered, CANCEL while an outgoing call rings, 487 for an incoming one not
  // yet answered.
  void Hangup(CallId call);

  SipCounters counters() const;
  const SipOptions& options() const;

  struct Impl;

 private:
  explicit SipStack(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::voice::sip
