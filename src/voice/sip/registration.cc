#include "voice/sip/registration.h"

#include <sofia-sip/url.h>

#include <cstdlib>

#include "base/log.h"
#include "voice/sip/registrar.h"
#include "voice/sip/sip_accounts.h"

namespace hotline::voice::sip {
namespace {

constexpr int64_t kDefaultExpiresS = 600;

std::string UrlText(const url_t* url) {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* text = url_as_string(home, url);
  std::string out = text != nullptr ? text : "";
  su_home_deinit(home);
  return out;
}

// The Authorization value rebuilt from sofia's parsed parameters. sip_header_as_string drops the
// last parameter of an Authorization header (sofia-sip 1.12.11): baresip puts nc= last, and
// without it every qop=auth response looked wrong.
std::string AuthorizationText(const sip_authorization_t* authorization) {
  if (authorization == nullptr || authorization->au_scheme == nullptr) return {};
  std::string out = authorization->au_scheme;
  const char* separator = " ";
  for (const msg_param_t* p = authorization->au_params; p != nullptr && *p != nullptr; ++p) {
    out.append(separator).append(*p);
    separator = ", ";
  }
  return out;
}

int64_t ExpiresOf(const sip_contact_t* contact, const sip_t* sip) {
  if (contact->m_expires != nullptr) return std::strtoll(contact->m_expires, nullptr, 10);
  if (sip->sip_expires != nullptr) return static_cast<int64_t>(sip->sip_expires->ex_delta);
  return kDefaultExpiresS;
}

}  // namespace

RegistrationDesk::RegistrationDesk(std::string realm, const SipAccounts* accounts,
                                   Registrar* registrar)
    : realm_(std::move(realm)), accounts_(accounts), registrar_(registrar) {}

void RegistrationDesk::Challenge(nua_t* nua, nua_handle_t* nh, Instant now, bool stale) {
  std::string challenge = DigestChallenge(realm_, nonces_.Issue(now), stale);
  nua_respond(nh, 401, "Unauthorized", SIPTAG_WWW_AUTHENTICATE_STR(challenge.c_str()),
              NUTAG_WITH_THIS(nua), TAG_END());
}

bool RegistrationDesk::Handle(nua_t* nua, nua_handle_t* nh, const sip_t* sip, Instant now) {
  std::string header = AuthorizationText(sip->sip_authorization);
  if (header.empty()) {
    Challenge(nua, nh, now, /*stale=*/false);
    return true;  // the normal first leg of a registration, not a failure
  }
  auto credentials = ParseAuthorization(header);
  const SipAccounts::Account* account =
      credentials.ok() ? accounts_->FindByUsername(credentials->username) : nullptr;
  if (account == nullptr || credentials->realm != realm_ ||
      !CheckDigest(*credentials, "REGISTER", account->ha1)) {
    Log(LogLevel::kDebug, "sip", "REGISTER refused (bad credentials)");
    Challenge(nua, nh, now, /*stale=*/false);
    return false;
  }
  if (!nonces_.Valid(credentials->nonce, now)) {
    Challenge(nua, nh, now, /*stale=*/true);
    return true;
  }
  const char* to_user = sip->sip_to != nullptr ? sip->sip_to->a_url->url_user : nullptr;
  if (to_user == nullptr || account->username != to_user) {
    nua_respond(nh, 403, "Forbidden", NUTAG_WITH_THIS(nua), TAG_END());
    return false;
  }
  for (const sip_contact_t* m = sip->sip_contact; m != nullptr; m = m->m_next) {
    if (m->m_url->url_type == url_any) {  // "*": remove all
      registrar_->UnbindAll(account->agent);
      continue;
    }
    int64_t expires = ExpiresOf(m, sip);
    std::string contact = UrlText(m->m_url);
    if (expires <= 0) {
      registrar_->Unbind(account->agent, contact);
    } else {
      std::string agent_ua =
          sip->sip_user_agent != nullptr && sip->sip_user_agent->g_string != nullptr
              ? sip->sip_user_agent->g_string
              : "";
      registrar_->Bind(account->agent, contact, Seconds(static_cast<double>(expires)), agent_ua,
                       now);
    }
  }
  std::string expires =
      std::to_string(sip->sip_expires != nullptr ? sip->sip_expires->ex_delta : kDefaultExpiresS);
  nua_respond(nh, 200, "OK", SIPTAG_CONTACT(sip->sip_contact), SIPTAG_EXPIRES_STR(expires.c_str()),
              NUTAG_WITH_THIS(nua), TAG_END());
  Log(LogLevel::kInfo, "sip", "agent {} registered", account->agent);
  return true;
}

}  // namespace hotline::voice::sip
