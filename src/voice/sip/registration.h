// Answers REGISTER requests (internal to voice/sip): digest authentication (RFC 3261 §22, MD5
// with qop=auth) against the agents' SIP accounts, then bindings in the Registrar.
//
// A request without credentials, with a stale or forged nonce, an unknown username or a wrong
// response gets 401 with a fresh challenge (stale=true when only the nonce was old). A username
// that differs from the To user gets 403. Contacts: each Contact's expires parameter, else the
// Expires header, else the registrar's default; "*" with Expires 0 removes every binding.
//
// Thread-safety: the SIP thread only.
#pragma once

#include <string>

#include "base/time.h"
#include "voice/sip/digest.h"
#include "voice/sip/sofia.h"

namespace hotline::voice::sip {

class Registrar;
class SipAccounts;

class RegistrationDesk {
 public:
  RegistrationDesk(std::string realm, const SipAccounts* accounts, Registrar* registrar);
  // Responds to the REGISTER on `nh` (inside the NUA callback). True when it was authenticated.
  bool Handle(nua_t* nua, nua_handle_t* nh, const sip_t* sip, Instant now);

 private:
  void Challenge(nua_t* nua, nua_handle_t* nh, Instant now, bool stale);

  std::string realm_;
  const SipAccounts* accounts_;
  Registrar* registrar_;
  NonceIssuer nonces_;
};

}  // namespace hotline::voice::sip
