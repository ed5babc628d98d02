#pragma once
// RAII owners for the ldns handles we use. Internal to dns/ and signer/: no ldns type
// appears in a header outside those folders.

#include <ldns/ldns.h>

#include <memory>

#include "base/c_handle.h"

namespace zw::dns {

using zw::Free;

using Rdf = std::unique_ptr<ldns_rdf, Free<ldns_rdf_deep_free>>;
using LdnsRr = std::unique_ptr<ldns_rr, Free<ldns_rr_free>>;
using LdnsBuffer = std::unique_ptr<ldns_buffer, Free<ldns_buffer_free>>;

}  // namespace zw::dns
