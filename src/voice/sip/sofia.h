// sofia-sip's headers as the stack uses them (internal to voice/sip), and small helpers for text
// that goes into SIP headers we write.
#pragma once

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/su_wait.h>

#include <string>
#include <string_view>

namespace hotline::voice::sip {

// A display name as a quoted-string followed by a space ("\"Wang\" "), or nothing: quotes,
// backslashes and control characters are dropped, and it is cut at 64 bytes.
std::string SafeDisplayName(std::string_view name);
// A user part of letters, digits and -_.!~*'()+ only (others dropped), at most 64 bytes;
// "anonymous" when nothing is left.
std::string SafeUserPart(std::string_view user);

// The text of a header as sofia prints it ("Digest username=..."); empty when absent.
std::string HeaderText(const sip_header_t* header);

}  // namespace hotline::voice::sip
