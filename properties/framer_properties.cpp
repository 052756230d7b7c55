// SPDX-License-Identifier: MIT
// In-process properties of the pure core: the framer gives the same messages
// however the stream is cut, holds at most the limit, and every message gets
// exactly one reply line.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "kept_messages.hpp"
#include "protocol/line_framer.hpp"
#include "protocol/reply.hpp"

namespace {

// Bytes with many line endings, CRs and NULs, and some long runs.
rc::Gen<std::string> stream() {
    return rc::gen::map(
        rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(
            rc::gen::container<std::string>(rc::gen::elementOf(std::string("ab\r\n\n\0q", 7))),
            rc::gen::map(rc::gen::inRange<std::size_t>(0, 600),
                         [](std::size_t n) { return std::string(n, 'x'); }))),
        [](const std::vector<std::string> &parts) {
            std::string s;
            for (const auto &p : parts) s += p;
            return s;
        });
}

std::vector<kept::Message> frame(std::size_t max, const std::string &s,
                                 const std::vector<std::size_t> &cuts, std::size_t *peak) {
    proto::LineFramer f(max);
    std::vector<kept::Message> out;
    std::size_t at = 0;
    for (std::size_t i = 0; at < s.size(); ++i) {
        const std::size_t n =
            cuts.empty() ? s.size() : std::max<std::size_t>(1, cuts[i % cuts.size()]);
        kept::feed(f, std::string_view(s).substr(at, n), out);
        at += n;
        if (peak != nullptr) *peak = std::max(*peak, f.buffered());
    }
    if (auto last = kept::finish(f)) out.push_back(*last);
    return out;
}

}  // namespace

RC_GTEST_PROP(FramerProperties, AnyCutGivesTheSameMessages, ()) {
    const auto max = *rc::gen::inRange<std::size_t>(1, 300);
    const auto s = *stream();
    const auto cuts =
        *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 64));
    RC_ASSERT(frame(max, s, cuts, nullptr) == frame(max, s, {}, nullptr));
}

RC_GTEST_PROP(FramerProperties, MemoryStaysWithinTheLimit, ()) {
    const auto max = *rc::gen::inRange<std::size_t>(1, 300);
    const auto s = *stream();
    const auto cuts =
        *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 4096));
    std::size_t peak = 0;
    frame(max, s, cuts, &peak);
    RC_ASSERT(peak <= max + 1);
}

RC_GTEST_PROP(FramerProperties, OneMessagePerLineAndOneReplyLinePerMessage, ()) {
    const auto max = *rc::gen::inRange<std::size_t>(1, 300);
    const auto s = *stream();
    const auto messages = frame(max, s, {}, nullptr);
    const auto lines = static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
    const bool tail = !s.empty() && s.back() != '\n' &&
                      !(s.size() >= 2 && s[s.size() - 1] == '\r' && s.rfind('\n') == s.size() - 2);
    RC_ASSERT(messages.size() == lines || messages.size() == lines + 1);
    RC_TAG(tail ? "unterminated tail" : "ends with LF");
    const proto::ReplyRules rules{
        *rc::gen::element(proto::ReplyMode::hello, proto::ReplyMode::echo), max};
    for (const auto &m : messages) {
        RC_ASSERT(m.too_long || m.bytes.size() <= max);
        const auto r = proto::reply_to(m.view(), rules, "127.0.0.1");
        RC_ASSERT(std::count(r.line().begin(), r.line().end(), '\n') == 1);
        RC_ASSERT(r.line().back() == '\n');
    }
}
