#include "scenario.hpp"

#include "protocol/escape.hpp"

namespace props {

std::string Client::stream() const {
    std::string s;
    for (const auto &m : messages) s += m.bytes + m.ending;
    return s;
}

std::vector<std::string> chunks_of(const Client &c) {
    std::vector<std::string> out;
    const std::string s = c.stream();
    std::size_t at = 0;
    for (std::size_t i = 0; at < s.size(); ++i) {
        const std::size_t n = c.chunk_sizes[i % c.chunk_sizes.size()];
        out.push_back(s.substr(at, n));
        at += n;
    }
    return out;
}

namespace {

const char *leave_name(Leave l) {
    switch (l) {
    case Leave::finish: return "half-close, read all replies";
    case Leave::close: return "close without reading replies";
    case Leave::mid_line: return "close in the middle of a line";
    case Leave::reset: return "reset (RST) without reading replies";
    }
    return "?";
}

void show_bytes(const std::string &b, std::ostream &os) {
    if (b.size() > 40 && b.find_first_not_of(b[0]) == std::string::npos)
        os << '"' << proto::escape(b.substr(0, 1)) << "\" x " << b.size();
    else
        os << '"' << proto::escape(b) << '"';
}

}  // namespace

void showValue(const Message &m, std::ostream &os) {
    show_bytes(m.bytes, os);
    os << (m.ending == "\n" ? " LF" : m.ending == "\r\n" ? " CRLF" : " (unterminated)");
}

void showValue(const Client &c, std::ostream &os) {
    os << "sends";
    if (c.messages.empty()) os << " nothing";
    for (const auto &m : c.messages) {
        os << "\n    ";
        showValue(m, os);
    }
    os << "\n  in sends of";
    for (const auto &chunk : chunks_of(c)) os << ' ' << chunk.size();
    os << " bytes, pausing";
    for (int p : c.pauses_ms) os << ' ' << p;
    os << " ms\n  then: " << leave_name(c.leave);
}

void showValue(const Scenario &s, std::ostream &os) {
    os << s.clients.size() << " concurrent client(s)";
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
        os << "\nclient " << i << ": ";
        showValue(s.clients[i], os);
    }
    os << "\nsend order (client per send):";
    for (int i : s.order) os << ' ' << i;
}

}  // namespace props
