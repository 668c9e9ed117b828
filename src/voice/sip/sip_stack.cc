#include "voice/sip/sip_stack.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "base/clock.h"
#include "base/log.h"
#include "voice/sip/registration.h"
#include "voice/sip/sofia.h"

namespace hotline::voice::sip {

// The largest SIP message we read (sofia's default is 2 MiB); a larger one is refused.
constexpr usize_t kMaxMessageBytes = 64 * 1024;

// What the stack knows of one dialog (bound to its NUA handle as the handle's magic).
struct CallHandle {
  CallId id = 0;
  bool incoming = false;
  bool answered = false;  // 2xx sent or received
  nua_handle_t* nh = nullptr;
  // The phrase of our last response: nua_respond keeps the pointer (not a copy) until its own
  // thread sends the response, so it must outlive the posted task.
  std::string reason;
};

struct SipStack::Impl {
  SipOptions options;
  const SipAccounts* accounts = nullptr;
  Registrar* registrar = nullptr;
  Listener listener;
  std::unique_ptr<RegistrationDesk> desk;

  std::thread thread;
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  int wake_fd = -1;
  su_wait_t wait[1];

  std::mutex mu;  // guards `posted` and `counters`
  std::deque<std::function<void()>> posted;
  SipCounters counters;
  std::atomic<CallId> next_call{1};

  // SIP thread only.
  std::unordered_map<CallId, CallHandle*> calls;
  bool stopping = false;

  void Post(std::function<void()> fn) {
    {
      std::lock_guard lock(mu);
      posted.push_back(std::move(fn));
    }
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof one);
  }

  void RunPosted() {
    uint64_t value = 0;
    [[maybe_unused]] ssize_t n = ::read(wake_fd, &value, sizeof value);
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard lock(mu);
      batch.swap(posted);
    }
    for (auto& fn : batch) fn();
  }

  void Count(uint64_t SipCounters::*field, int delta = 1) {
    std::lock_guard lock(mu);
    counters.*field += delta;
  }

  CallHandle* Track(nua_handle_t* nh, bool incoming) {
    auto* call = new CallHandle{next_call++, incoming, false, nh, {}};
    nua_handle_bind(nh, reinterpret_cast<nua_hmagic_t*>(call));
    calls.emplace(call->id, call);
    Count(&SipCounters::calls_open);
    return call;
  }

  void Forget(CallHandle* call) {
    calls.erase(call->id);
    nua_handle_bind(call->nh, nullptr);
    nua_handle_destroy(call->nh);
    delete call;
    Count(&SipCounters::calls_open, -1);
  }

  CallHandle* Find(CallId id) {
    auto it = calls.find(id);
    return it == calls.end() ? nullptr : it->second;
  }

  void Emit(CallEvent event) {
    if (listener) listener(std::move(event));
  }

  void OnEvent(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
               CallHandle* call, const sip_t* sip, tagi_t tags[]);
  void OnIncomingInvite(nua_handle_t* nh, const sip_t* sip);
  void OnInviteResponse(CallHandle* call, int status, const char* phrase, const sip_t* sip);
  void OnState(CallHandle* call, int status, const char* phrase, tagi_t tags[]);
  void Shutdown();
};

namespace {

void NuaCallback(nua_event_t event, int status, const char* phrase, nua_t* /*nua*/,
                 nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic, const sip_t* sip,
                 tagi_t tags[]) {
  static_cast<SipStack::Impl*>(magic)->OnEvent(event, status, phrase, nh,
                                               reinterpret_cast<CallHandle*>(hmagic), sip, tags);
}

int OnWake(su_root_magic_t* magic, su_wait_t* /*wait*/, su_wakeup_arg_t* /*arg*/) {
  static_cast<SipStack::Impl*>(magic)->RunPosted();
  return 0;
}

std::string PayloadOf(const sip_t* sip) {
  if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) {
    return {};
  }
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

}  // namespace

void SipStack::Impl::OnEvent(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                             CallHandle* call, const sip_t* sip, tagi_t tags[]) {
  switch (event) {
    case nua_i_invite:
      OnIncomingInvite(nh, sip);
      return;
    case nua_r_invite:
      if (call != nullptr) OnInviteResponse(call, status, phrase, sip);
      return;
    case nua_i_state:
      if (call != nullptr) OnState(call, status, phrase, tags);
      return;
    case nua_i_register:
      Count(&SipCounters::registers);
      if (!desk->Handle(nua, nh, sip, RealClock().Now())) Count(&SipCounters::auth_failures);
      nua_handle_destroy(nh);
      return;
    case nua_r_shutdown:
      if (status >= 200) su_root_break(root);
      return;
    case nua_i_bye:
    case nua_i_cancel:
    case nua_i_ack:
    case nua_i_active:
    case nua_i_terminated:
    case nua_r_bye:
    case nua_r_cancel:
      return;  // nua_i_state says what they mean for the call
    default:
      // Requests outside a call (OPTIONS, MESSAGE, INFO...) that sofia answered itself: their
      // handles are ours to free.
      if (call == nullptr && nh != nullptr && nua_event_is_incoming_request(event)) {
        nua_handle_destroy(nh);
      }
      return;
  }
}

void SipStack::Impl::OnIncomingInvite(nua_handle_t* nh, const sip_t* sip) {
  Count(&SipCounters::invites_in);
  if (stopping) {
    nua_respond(nh, 503, "Service Unavailable", SIPTAG_RETRY_AFTER_STR("30"), TAG_END());
    nua_handle_destroy(nh);
    return;
  }
  CallHandle* call = Track(nh, /*incoming=*/true);
  CallEvent ev;
  ev.kind = CallEvent::Kind::kIncoming;
  ev.call = call->id;
  if (sip->sip_from != nullptr) {
    if (sip->sip_from->a_url->url_user != nullptr) ev.from_user = sip->sip_from->a_url->url_user;
    if (sip->sip_from->a_display != nullptr) ev.from_display = sip->sip_from->a_display;
  }
  if (sip->sip_request != nullptr && sip->sip_request->rq_url->url_user != nullptr) {
    ev.dialed = sip->sip_request->rq_url->url_user;
  }
  ev.sdp = PayloadOf(sip);
  Emit(std::move(ev));
}

void SipStack::Impl::OnInviteResponse(CallHandle* call, int status, const char* phrase,
                                      const sip_t* sip) {
  CallEvent ev;
  ev.call = call->id;
  ev.status = status;
  ev.reason = phrase != nullptr ? phrase : "";
  if (status == 180 || status == 183) {
    ev.kind = CallEvent::Kind::kRinging;
  } else if (status >= 200 && status < 300) {
    call->answered = true;
    ev.kind = CallEvent::Kind::kAnswered;
    ev.sdp = PayloadOf(sip);
  } else if (status >= 300) {
    ev.kind = CallEvent::Kind::kFailed;
  } else {
    return;
  }
  Emit(std::move(ev));
}

void SipStack::Impl::OnState(CallHandle* call, int status, const char* phrase, tagi_t tags[]) {
  int state = nua_callstate_init;
  tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
  if (state == nua_callstate_ready) call->answered = true;
  if (state != nua_callstate_terminated) return;
  CallEvent ev;
  ev.kind = CallEvent::Kind::kEnded;
  ev.call = call->id;
  ev.status = status;
  ev.reason = phrase != nullptr ? phrase : "";
  Forget(call);
  Emit(std::move(ev));
}

void SipStack::Impl::Shutdown() {
  stopping = true;
  for (auto& [id, call] : calls) {
    if (call->answered) {
      nua_bye(call->nh, TAG_END());
    } else if (call->incoming) {
      nua_respond(call->nh, 503, "Service Unavailable", SIPTAG_RETRY_AFTER_STR("30"), TAG_END());
    } else {
      nua_cancel(call->nh, TAG_END());
    }
  }
  nua_shutdown(nua);
}

Result<std::unique_ptr<SipStack>> SipStack::Start(SipOptions options, const SipAccounts* accounts,
                                                  Registrar* registrar, Listener listener) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->accounts = accounts;
  impl->registrar = registrar;
  impl->listener = std::move(listener);
  impl->desk = std::make_unique<RegistrationDesk>(impl->options.realm, accounts, registrar);
  impl->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl->wake_fd < 0) {
    return Error{ErrorCode::kInternal, std::string("eventfd: ") + std::strerror(errno), {}};
  }

  std::promise<Status> started;
  auto ready = started.get_future();
  Impl* self = impl.get();
  impl->thread = std::thread([self, &started] {
    su_init();
    self->root = su_root_create(self);
    su_wait_create(self->wait, self->wake_fd, SU_WAIT_IN);
    su_root_register(self->root, self->wait, OnWake, nullptr, 0);
    std::string url = "sip:" + self->options.ip + ":" + std::to_string(self->options.port) +
                      ";maddr=" + self->options.ip;
    self->nua =
        nua_create(self->root, NuaCallback, self, NUTAG_URL(url.c_str()), NUTAG_MEDIA_ENABLE(0),
                   NUTAG_APPL_METHOD("REGISTER"), NUTAG_ALLOW("REGISTER"), NUTAG_AUTOALERT(0),
                   NUTAG_AUTOANSWER(0), NUTAG_SESSION_TIMER(0), NTATAG_MAXSIZE(kMaxMessageBytes),
                   SIPTAG_USER_AGENT_STR(self->options.user_agent.c_str()), TAG_END());
    if (self->nua == nullptr) {
      started.set_value(Error{
          ErrorCode::kUnavailable,
          "cannot listen for SIP on " + self->options.ip + ":" + std::to_string(self->options.port),
          "sip"});
      su_root_destroy(self->root);
      su_deinit();
      return;
    }
    started.set_value(Status{});
    su_root_run(self->root);
    nua_destroy(self->nua);
    su_root_destroy(self->root);
    su_deinit();
  });
  Status status = ready.get();
  if (!status.ok()) {
    impl->thread.join();
    ::close(impl->wake_fd);
    return status.error();
  }
  Log(LogLevel::kInfo, "sip", "listening on {}:{} (udp, tcp)", impl->options.ip,
      impl->options.port);
  return std::unique_ptr<SipStack>(new SipStack(std::move(impl)));
}

SipStack::SipStack(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SipStack::~SipStack() {
  Impl* self = impl_.get();
  self->Post([self] { self->Shutdown(); });
  self->thread.join();
  for (auto& [id, call] : self->calls) delete call;
  ::close(self->wake_fd);
}

void SipStack::Respond(CallId id, int status, std::string reason, std::string sdp,
                       int retry_after_s) {
  Impl* self = impl_.get();
  self->Post([self, id, status, reason = std::move(reason), sdp = std::move(sdp), retry_after_s] {
    CallHandle* call = self->Find(id);
    if (call == nullptr || !call->incoming || call->answered) return;
    std::string retry = retry_after_s > 0 ? std::to_string(retry_after_s) : std::string();
    if (status >= 200 && status < 300) call->answered = true;
    call->reason = reason;
    nua_respond(call->nh, status, call->reason.c_str(),
                TAG_IF(!sdp.empty(), SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                TAG_IF(!sdp.empty(), SIPTAG_PAYLOAD_STR(sdp.c_str())),
                TAG_IF(!retry.empty(), SIPTAG_RETRY_AFTER_STR(retry.c_str())), TAG_END());
  });
}

CallId SipStack::Invite(std::string uri, std::string from_user, std::string from_display,
                        std::string sdp) {
  Impl* self = impl_.get();
  CallId id = self->next_call++;
  self->Post([self, id, uri = std::move(uri), from_user = std::move(from_user),
              from_display = std::move(from_display), sdp = std::move(sdp)] {
    self->Count(&SipCounters::invites_out);
    std::string from = SafeDisplayName(from_display) + "<sip:" + SafeUserPart(from_user) + "@" +
                       self->options.ip + ":" + std::to_string(self->options.port) + ">";
    nua_handle_t* nh = nua_handle(self->nua, nullptr, SIPTAG_TO_STR(uri.c_str()), TAG_END());
    if (nh == nullptr || self->stopping) {
      if (nh != nullptr) nua_handle_destroy(nh);
      CallEvent failed;
      failed.kind = CallEvent::Kind::kFailed;
      failed.call = id;
      failed.status = 500;
      self->Emit(failed);
      failed.kind = CallEvent::Kind::kEnded;
      self->Emit(failed);
      return;
    }
    auto* call = new CallHandle{id, false, false, nh, {}};
    nua_handle_bind(nh, reinterpret_cast<nua_hmagic_t*>(call));
    self->calls.emplace(id, call);
    self->Count(&SipCounters::calls_open);
    nua_invite(nh, NUTAG_URL(uri.c_str()), SIPTAG_FROM_STR(from.c_str()),
               SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp.c_str()),
               TAG_END());
  });
  return id;
}

void SipStack::Hangup(CallId id) {
  Impl* self = impl_.get();
  self->Post([self, id] {
    CallHandle* call = self->Find(id);
    if (call == nullptr) return;
    if (call->answered) {
      nua_bye(call->nh, TAG_END());
    } else if (call->incoming) {
      nua_respond(call->nh, 487, "Request Terminated", TAG_END());
    } else {
      nua_cancel(call->nh, TAG_END());
    }
  });
}

SipCounters SipStack::counters() const {
  std::lock_guard lock(impl_->mu);
  return impl_->counters;
}

const SipOptions& SipStack::options() const { return impl_->options; }

}  // namespace hotline::voice::sip
