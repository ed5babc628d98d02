#pragma once
// An asynchronous DNS query client (Boost.Asio behind this header): UDP with EDNS0 and the
// DO bit, TCP when the answer is truncated (RFC 7766 §5), a timeout per attempt, bounded
// retries and a bounded number of queries in flight, IPv4 and IPv6. Every attempt uses a
// fresh socket (a fresh random source port from the kernel) and a random ID, and only a
// datagram from the asked address with our ID and question is taken (RFC 5452 §9.1).
// Anything else is read past until the attempt's timeout (however many there are); an
// attempt whose only datagrams with our ID were not an answer (malformed, or for another
// question) ends as `malformed`, not as a timeout.
//
// Callers hand over a batch and get one outcome per request, in order: the fan-out of a
// live check is one batch, discovery is a few dependent batches.

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "live/message.h"
#include "live/server.h"

namespace zw::live {

struct Request {
    Server server;
    Question question;
    QueryOptions options;
};

enum class Transport { udp, tcp };
[[nodiscard]] std::string_view name(Transport t);

struct Response {
    Message message;
    Transport transport = Transport::udp;
    std::chrono::milliseconds elapsed{0};  // from the first send to the accepted answer
    int attempts = 0;                      // UDP attempts made (a TCP retry is not counted)
    std::size_t size = 0;                  // octets of the accepted message
};

enum class QueryFailure { timeout, unreachable, bad_address, malformed };
[[nodiscard]] std::string_view name(QueryFailure f);

struct QueryError {
    QueryFailure kind = QueryFailure::timeout;
    std::string detail;
    int attempts = 0;
    std::chrono::milliseconds elapsed{0};
};

using Outcome = std::expected<Response, QueryError>;

struct ClientOptions {
    std::chrono::milliseconds timeout{1500};      // per UDP attempt
    int attempts = 3;                             // UDP tries before giving up
    std::chrono::milliseconds tcp_timeout{3000};  // connect + exchange
    std::size_t max_in_flight = 64;               // queries outstanding at once
};

struct ClientStats {
    std::uint64_t udp_sent = 0, tcp_sent = 0, ignored = 0, timeouts = 0;
};

class Client {
  public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Runs every request to completion (answer or final failure); outcomes in request order.
    [[nodiscard]] std::vector<Outcome> run(std::span<const Request> requests);
    [[nodiscard]] Outcome query(const Request& request);

    [[nodiscard]] const ClientStats& stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace zw::live
