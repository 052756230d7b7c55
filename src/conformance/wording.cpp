// SPDX-License-Identifier: MIT
#include "conformance/wording.hpp"

#include <cstring>

#include "conformance/invariants.hpp"
#include "protocol/escape.hpp"

namespace conformance::wording {
namespace {

std::string quoted(const std::string &line) { return "\"" + proto::escape(line) + "\""; }

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

std::string whole_s(std::chrono::milliseconds d) { return std::to_string(d.count() / 1000) + " s"; }

std::string pid_of_server(pid_t server) {
    return "the server (pid " + std::to_string(server) + ")";
}

}  // namespace

std::string pid_list(const std::vector<pid_t> &pids) {
    std::string s;
    for (pid_t p : pids) s += (s.empty() ? "" : ", ") + std::to_string(p);
    return s;
}

std::string replies_differ(std::size_t client, const std::vector<std::string> &want,
                           const Observed &got, bool tell_end) {
    std::string why = "client " + std::to_string(client) + " expected the replies " +
                      show_lines(want) + " but got " + show_lines(got.replies);
    if (!got.trouble.empty())
        why += " (" + got.trouble + ")";
    else if (tell_end || got.replies.size() < want.size())
        why += ", then " + got.end;
    return why;
}

std::string no_close_after_replies(std::size_t client, bool said_quit) {
    return "client " + std::to_string(client) +
           " got every reply, but the server did not close the connection after the last one (" +
           (said_quit ? "the client had said quit" : "the client had half-closed its side") + ")";
}

std::string zombies_left(pid_t server, const std::vector<pid_t> &zombies,
                         std::chrono::milliseconds grace, const std::vector<pid_t> &live) {
    std::string why = pid_of_server(server) + " had zombie children it did not reap (pids " +
                      pid_list(zombies) + ", still in state Z " + ms(grace) +
                      " after they ended, while no client came)";
    if (!live.empty()) why += " and live children (pids " + pid_list(live) + ")";
    return why;
}

std::string live_children_left(pid_t server, std::chrono::milliseconds bound,
                               const std::vector<pid_t> &live) {
    return whole_s(bound) + " later " + pid_of_server(server) +
           " still had live children that outlived their clients (pids " + pid_list(live) + ")";
}

std::string left_after_clients(const std::string &children) {
    return "every client had left, but " + children;
}

std::string left_after_burst(int clients, const std::string &children) {
    return "after a burst of " + std::to_string(clients) +
           " clients that closed in the same instant, " + children;
}

namespace {

std::string keeps(const ListenerHolder &h) {
    return "child " + std::to_string(h.pid) + " (" + h.cmdline + ") keeps " + h.what + " (fd " +
           std::to_string(h.fd) + ")";
}

}  // namespace

std::string listener_kept_after_reply(const ListenerHolder &h) {
    return keeps(h) + " after it had replied to its client's message";
}

std::string listener_kept_while_serving(const ListenerHolder &h,
                                        std::chrono::milliseconds after_fork) {
    return keeps(h) + " " + whole_s(after_fork) + " after it was forked, while serving its client";
}

std::string new_fds(const std::map<int, std::string> &before,
                    const std::map<int, std::string> &now) {
    std::string extra;
    for (const auto &[fd, what] : now)
        if (!before.contains(fd))
            extra += (extra.empty() ? "" : "; ") + ("fd " + std::to_string(fd) + ": " + what);
    return extra;
}

std::string fds_gained(const std::string &when, pid_t parent,
                       const std::map<int, std::string> &before,
                       const std::map<int, std::string> &now) {
    return when + ", the parent (pid " + std::to_string(parent) + ") had " +
           std::to_string(now.size()) + " open fds, " + std::to_string(before.size()) +
           " before any client came; new: " + new_fds(before, now);
}

std::string when_clients_left() { return "once every client had left and its child had ended"; }

std::string when_burst_left(int clients) {
    return "after a burst of " + std::to_string(clients) +
           " more clients that closed in the same instant, once their children had ended";
}

std::string first_client_unserved(const std::string &message, const std::string &why_no_line) {
    return "the first client, alone on a fresh server, got no reply to " + quoted(message) + ": " +
           why_no_line;
}

std::string while_another_stayed(const std::string &failure) {
    return failure + ", while another client stayed connected";
}

std::string stayer_unserved(const std::string &message, const std::string &why_no_line) {
    return "the client that stayed connected got no reply to " + quoted(message) +
           " after the others left: " + why_no_line;
}

std::string never_accepted(const std::string &who, pid_t server, const std::string &wait_call,
                           std::chrono::milliseconds stuck_for, const std::vector<pid_t> &live) {
    return who + " was never accepted: its connection waited in the listen queue while " +
           pid_of_server(server) + " was blocked in " + wait_call + "() for " + ms(stuck_for) +
           ", waiting for a child that had not ended (live children: pids " + pid_list(live) + ")";
}

std::string no_reply_within(const std::string &who, std::chrono::milliseconds limit) {
    return who + " got no reply within " + whole_s(limit);
}

std::string send_failed(std::size_t nth) { return "send " + std::to_string(nth) + " failed"; }

std::string client_send_failed(int client, std::size_t bytes, int error) {
    return "client " + std::to_string(client) + "'s send of " + std::to_string(bytes) +
           " bytes failed: " + std::strerror(error);
}

std::string held_back(const std::string &held, std::chrono::milliseconds settle) {
    if (held.empty()) return {};
    return ": the reply was held back: the server had read the line, and " + held +
           " waited on the connection for more for " + std::to_string(settle.count()) +
           " ms without sending anything (an unflushed buffer?)";
}

std::string no_reply_in_lockstep(const std::string &message, const std::string &why_no_line,
                                 const std::string &held, std::chrono::milliseconds settle) {
    return "it awaited each reply before sending more, and got no reply to " + quoted(message) +
           ": " + why_no_line + held_back(held, settle);
}

std::string no_reply(const std::string &chunk, const std::string &why_no_line,
                     const std::string &held, std::chrono::milliseconds settle) {
    return "no reply to " + quoted(chunk) + ": " + why_no_line + held_back(held, settle);
}

std::string read_differs(int client, const std::string &want, const std::optional<std::string> &got,
                         const std::string &why_no_line, bool at_end) {
    return std::string(at_end ? "at the end, " : "") + "client " + std::to_string(client) +
           " expected " + quoted(want) + " but " + (got ? "got " + quoted(*got) : why_no_line);
}

std::string no_close_within(int client, std::chrono::milliseconds limit) {
    return "client " + std::to_string(client) +
           " got every reply, but the server did not close the connection within " +
           whole_s(limit) + " after the last one";
}

}  // namespace conformance::wording
