// SPDX-License-Identifier: MIT
#include "conformance/scenario.hpp"

#include "protocol/escape.hpp"

namespace conformance {

std::string Client::stream() const {
    std::string s;
    for (const auto &m : messages) s += m.bytes + m.ending;
    return s;
}

bool quit_crlf(const Client &c) {
    for (const auto &m : c.messages)
        if (m.bytes == "quit") return m.ending == "\r\n";
    return false;
}

std::vector<std::string> chunks_of(const Client &c) {
    std::vector<std::string> out;
    if (c.lockstep) {
        for (const auto &m : c.messages) out.push_back(m.bytes + m.ending);
        return out;
    }
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

}  // namespace

void show_bytes(const std::string &b, std::ostream &os) {
    if (b.size() > 40 && b.find_first_not_of(b[0]) == std::string::npos)
        os << '"' << proto::escape(b.substr(0, 1)) << "\" x " << b.size();
    else
        os << '"' << proto::escape(b) << '"';
}

void showValue(const Message &m, std::ostream &os) {
    show_bytes(m.bytes, os);
    os << (m.ending == "\n" ? " LF" : m.ending == "\r\n" ? " CRLF" : " (unterminated)");
}

// "3 sends of 1 byte, 1 of 12 bytes": runs of equal values, counted.
static std::string runs_of(const std::vector<std::size_t> &sizes) {
    std::string out;
    for (std::size_t i = 0; i < sizes.size();) {
        std::size_t j = i;
        while (j < sizes.size() && sizes[j] == sizes[i]) ++j;
        const std::size_t n = j - i;
        out += (out.empty() ? "" : ", ") + std::to_string(n) +
               (out.empty() ? (n == 1 ? " send of " : " sends of ") : " of ") +
               std::to_string(sizes[i]) + (sizes[i] == 1 ? " byte" : " bytes");
        i = j;
    }
    return out;
}

void showValue(const Client &c, std::ostream &os) {
    // An empty unterminated last line sends nothing: not shown.
    std::vector<const Message *> sent;
    for (const auto &m : c.messages)
        if (!m.bytes.empty() || !m.ending.empty()) sent.push_back(&m);
    if (sent.empty()) os << "sends nothing";
    if (sent.size() == 1) os << "sends ";
    if (sent.size() > 1) os << "sends " << sent.size() << " messages:";
    for (const Message *m : sent) {
        if (sent.size() > 1) os << "\n    ";
        showValue(*m, os);
    }
    std::vector<std::size_t> sizes;
    for (const auto &chunk : chunks_of(c)) sizes.push_back(chunk.size());
    if (c.lockstep && !c.messages.empty())
        os << "\n  one send per message, each reply awaited before the next";
    else if (sizes.size() > 1)
        os << "\n  cut into " << runs_of(sizes);
    bool pauses = false;
    for (int p : c.pauses_ms) pauses = pauses || p > 0;
    if (pauses && !sizes.empty()) {
        os << "\n  pausing";
        for (std::size_t i = 0; i < c.pauses_ms.size(); ++i)
            os << (i == 0 ? " " : ", ") << c.pauses_ms[i];
        os << " ms before its sends" << (c.pauses_ms.size() > 1 ? ", in turn" : "");
    }
    os << "\n  then: " << leave_name(c.leave);
}

void showValue(const Scenario &s, std::ostream &os) {
    os << s.clients.size() << (s.clients.size() == 1 ? " client" : " clients connected together");
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
        os << "\nclient " << i << ": ";
        showValue(s.clients[i], os);
    }
    // The interleaving matters only between clients that send something.
    std::size_t senders = 0;
    for (const auto &c : s.clients) senders += !c.messages.empty();
    if (senders >= 2 && !s.order.empty()) {
        os << "\nsends taken in turn by clients:";
        for (std::size_t i = 0; i < s.order.size();) {
            std::size_t j = i;
            while (j < s.order.size() && s.order[j] == s.order[i]) ++j;
            os << (i == 0 ? " " : ", ") << s.order[i];
            if (j - i > 1) os << " (" << j - i << " sends)";
            i = j;
        }
    }
    if (s.burst > 0)
        os << "\nthen, once they have left, a burst: " << s.burst
           << " more clients, each served one message, all close in the same instant";
}

void showValue(const Connections &c, std::ostream &os) {
    os << c.count << " connections to one server, one after another, " << c.open_at_once
       << (c.open_at_once == 1 ? " open at a time"
                               : " open at a time (the oldest ends as the next opens)")
       << "\neach sends one message and awaits its reply; every " << c.check_every
       << " connections all end and the server is checked\nthey end";
    for (std::size_t i = 0; i < c.goodbyes.size(); ++i) {
        os << (i == 0 ? " " : ", ");
        switch (c.goodbyes[i]) {
        case Goodbye::close: os << "closing"; break;
        case Goodbye::reset: os << "with a reset (RST)"; break;
        case Goodbye::quit: os << "after quit"; break;
        }
    }
    if (c.goodbyes.size() > 1) os << ", in turn";
}

}  // namespace conformance
