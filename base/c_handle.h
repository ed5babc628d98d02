#pragma once
// One deleter for every C library handle (ldns, OpenSSL, libcurl, ...):
//   using RrList = std::unique_ptr<ldns_rr_list, zw::Free<ldns_rr_list_deep_free>>;

namespace zw {

template <auto F>
struct Free {
    void operator()(auto* p) const noexcept { F(p); }
};

}  // namespace zw
