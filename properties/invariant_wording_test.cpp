// SPDX-License-Identifier: MIT
// A failure is only as useful as its sentence: for each invariant, a made-up
// piece of evidence and the whole sentence a user reads for it (what was
// violated, and the pids, fds, addresses, milliseconds and lines seen).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <regex>
#include <thread>

#include "conformance/invariants.hpp"
#include "conformance/wording.hpp"
#include "probe/poll_until.hpp"
#include "probe/proc_scan.hpp"
#include "probe/target.hpp"
#include "probe/test_client.hpp"
#include "sys/fd.hpp"

namespace {

using namespace std::chrono_literals;
namespace w = conformance::wording;

conformance::Observed observed(std::vector<std::string> replies, std::string end,
                               std::string trouble = {}) {
    conformance::Observed o;
    o.replies = std::move(replies);
    o.end = std::move(end);
    o.trouble = std::move(trouble);
    return o;
}

TEST(RepliesWording, MissingRepliesSayHowReadingEnded) {
    EXPECT_EQ(w::replies_differ(2, {"Hello, World!", "Goodbye, 127.0.0.1"},
                                observed({"Hello, World!"},
                                         "the server closed the connection 503 "
                                         "ms after the client's half-close")),
              "client 2 expected the replies [\"Hello, World!\", \"Goodbye, 127.0.0.1\"] but got "
              "[\"Hello, World!\"], then the server closed the connection 503 ms after the "
              "client's half-close");
}

TEST(RepliesWording, AnExtraReplyIsShownWithoutHowReadingEnded) {
    EXPECT_EQ(w::replies_differ(0, {"Hello, World!"},
                                observed({"Hello, World!", "Hello, World!"}, "nothing came")),
              "client 0 expected the replies [\"Hello, World!\"] but got [\"Hello, World!\", "
              "\"Hello, World!\"]");
}

TEST(RepliesWording, TroubleOnTheWayIsShownInsteadOfTheEnd) {
    const std::string trouble = w::no_reply_in_lockstep(
        "ab\r", "nothing came within 0.243 s", "pid 4242 (./server 3490) in recvfrom(4)", 200ms);
    EXPECT_EQ(trouble,
              "it awaited each reply before sending more, and got no reply to \"ab\\r\": nothing "
              "came within 0.243 s: the reply was held back: the server had read the line, and "
              "pid 4242 (./server 3490) in recvfrom(4) waited on the connection for more for 200 "
              "ms without sending anything (an unflushed buffer?)");
    EXPECT_EQ(w::replies_differ(1, {"Hello, World!"}, observed({}, "", trouble)),
              "client 1 expected the replies [\"Hello, World!\"] but got [] (" + trouble + ")");
    EXPECT_EQ(w::no_reply_in_lockstep("x", "the server closed the connection", "", 200ms),
              "it awaited each reply before sending more, and got no reply to \"x\": the server "
              "closed the connection");
    EXPECT_EQ(w::no_reply("hello", "the server reset the connection", "", 200ms),
              "no reply to \"hello\": the server reset the connection");
    EXPECT_EQ(w::send_failed(3), "send 3 failed");
    EXPECT_EQ(w::client_send_failed(3, 995, ECONNRESET),
              "client 3's send of 995 bytes failed: Connection reset by peer");
}

TEST(RepliesWording, AMissingCloseSaysWhatTheClientDidLast) {
    EXPECT_EQ(w::no_close_after_replies(4, true),
              "client 4 got every reply, but the server did not close the connection after the "
              "last one (the client had said quit)");
    EXPECT_EQ(w::no_close_after_replies(0, false),
              "client 0 got every reply, but the server did not close the connection after the "
              "last one (the client had half-closed its side)");
}

TEST(RepliesWording, AQuitAnsweredLikeAMessagePointsAtTheCauses) {
    const probe::Target reference;
    EXPECT_EQ(conformance::profile_hint(reference, {"Goodbye, 127.0.0.1"}, {"Hello, World!"}, true),
              "; the quit was sent as \"quit\\r\\n\": the server kept the CR that belongs to the "
              "line ending");
    EXPECT_NE(conformance::profile_hint(reference, {"Goodbye, 127.0.0.1"}, {"Hello, World!"}, false)
                  .find("--profile worksheet"),
              std::string::npos);
    EXPECT_EQ(conformance::profile_hint(reference, {"Hello, World!"}, {"Hello!"}, false), "");
}

TEST(NoZombiesWording, ZombiesAreNamedWithTheServerAndHowLongTheyStayed) {
    const std::string why = w::zombies_left(4000, {4242, 4243}, 1000ms, {});
    EXPECT_EQ(why,
              "the server (pid 4000) had zombie children it did not reap (pids 4242, 4243, still "
              "in state Z 1000 ms after they ended, while no client came)");
    EXPECT_EQ(w::left_after_clients(why), "every client had left, but " + why);
}

TEST(NoZombiesWording, LiveChildrenBesideZombiesAreNamedToo) {
    EXPECT_EQ(w::zombies_left(4000, {4242}, 1000ms, {4250}),
              "the server (pid 4000) had zombie children it did not reap (pids 4242, still in "
              "state Z 1000 ms after they ended, while no client came) and live children (pids "
              "4250)");
}

TEST(NoZombiesWording, ChildrenOutlivingTheirClientsAfterABurst) {
    EXPECT_EQ(w::left_after_burst(7, w::live_children_left(4000, 5000ms, {4301, 4302})),
              "after a burst of 7 clients that closed in the same instant, 5 s later the server "
              "(pid 4000) still had live children that outlived their clients (pids 4301, 4302)");
}

TEST(NoLeaksWording, AChildKeepingTheListenerIsNamedWithItsFdAndAddress) {
    const w::ListenerHolder h{4242, "python3 forking_tcp_server.py 38127", 3,
                              "the listening socket 127.0.0.1:38127"};
    EXPECT_EQ(w::listener_kept_after_reply(h),
              "child 4242 (python3 forking_tcp_server.py 38127) keeps the listening socket "
              "127.0.0.1:38127 (fd 3) after it had replied to its client's message");
    EXPECT_EQ(w::listener_kept_while_serving(h, 2000ms),
              "child 4242 (python3 forking_tcp_server.py 38127) keeps the listening socket "
              "127.0.0.1:38127 (fd 3) 2 s after it was forked, while serving its client");
}

TEST(NoLeaksWording, TheParentsNewFdsAreListedWithWhatTheyAre) {
    const std::map<int, std::string> before = {{0, "/dev/null"}, {3, "listening TCP socket"}};
    const std::map<int, std::string> now = {
        {0, "/dev/null"},
        {3, "listening TCP socket"},
        {5, "TCP connection 127.0.0.1:38127 <-> 127.0.0.1:50112 (CLOSE_WAIT)"},
        {6, "TCP connection 127.0.0.1:38127 <-> 127.0.0.1:50114 (CLOSE_WAIT)"}};
    EXPECT_EQ(w::fds_gained(w::when_clients_left(), 4000, before, now),
              "once every client had left and its child had ended, the parent (pid 4000) had 4 "
              "open fds, 2 before any client came; new: fd 5: TCP connection 127.0.0.1:38127 <-> "
              "127.0.0.1:50112 (CLOSE_WAIT); fd 6: TCP connection 127.0.0.1:38127 <-> "
              "127.0.0.1:50114 (CLOSE_WAIT)");
    EXPECT_EQ(w::fds_gained(w::when_burst_left(8), 4000, before, now)
                  .substr(0, w::when_burst_left(8).size()),
              "after a burst of 8 more clients that closed in the same instant, once their "
              "children had ended");
}

TEST(LivenessWording, ANeverAcceptedClientNamesTheBlockingCall) {
    EXPECT_EQ(
        w::while_another_stayed(w::never_accepted("a fresh client", 4000, "wait4", 500ms, {4242})),
        "a fresh client was never accepted: its connection waited in the listen queue while "
        "the server (pid 4000) was blocked in wait4() for 500 ms, waiting for a child that "
        "had not ended (live children: pids 4242), while another client stayed connected");
    EXPECT_EQ(w::no_reply_within("a fresh client", 3000ms),
              "a fresh client got no reply within 3 s");
}

TEST(LivenessWording, OneClientsRepliesChangedWhileAnotherStayed) {
    EXPECT_EQ(
        w::while_another_stayed(w::replies_differ(
            1, {"Hello, World!"}, observed({"Hello, World!", "Hello, World!"}, "nothing came"),
            /*tell_end=*/true)),
        "client 1 expected the replies [\"Hello, World!\"] but got [\"Hello, World!\", "
        "\"Hello, World!\"], then nothing came, while another client stayed connected");
}

TEST(LivenessWording, UnservedClientsSayWhatTheySentAndWhatCame) {
    EXPECT_EQ(w::first_client_unserved("here\n", "nothing came within 5 s"),
              "the first client, alone on a fresh server, got no reply to \"here\\n\": nothing "
              "came within 5 s");
    EXPECT_EQ(w::stayer_unserved("still here\n", "the server reset the connection"),
              "the client that stayed connected got no reply to \"still here\\n\" after the "
              "others left: the server reset the connection");
}

TEST(StatefulModelWording, AReplyThatDiffers) {
    EXPECT_EQ(w::read_differs(1, "Goodbye, 127.0.0.1", "Hello, World!", "", false),
              "client 1 expected \"Goodbye, 127.0.0.1\" but got \"Hello, World!\"");
}

TEST(StatefulModelWording, AConnectionClosedBeforeTheReplyIsToldApartFromALateOne) {
    EXPECT_EQ(w::read_differs(0, "Hello, World!", std::nullopt,
                              "the server closed the connection 503 ms after the client's "
                              "half-close",
                              true),
              "at the end, client 0 expected \"Hello, World!\" but the server closed the "
              "connection 503 ms after the client's half-close");
    EXPECT_EQ(w::read_differs(2, "Hello, World!", std::nullopt, "nothing came within 5 s", false),
              "client 2 expected \"Hello, World!\" but nothing came within 5 s");
    EXPECT_EQ(w::no_close_within(3, 5000ms),
              "client 3 got every reply, but the server did not close the connection within 5 s "
              "after the last one");
}

// why_no_line() against a listener in this process on loopback: each way a
// read can end, and the words for it.
class WhyNoLine : public ::testing::Test {
protected:
    void SetUp() override {
        listener_ = sys::OwnFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        ASSERT_TRUE(listener_.valid());
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ASSERT_EQ(bind(listener_.get(), reinterpret_cast<sockaddr *>(&a), len), 0);
        ASSERT_EQ(listen(listener_.get(), 1), 0);
        ASSERT_EQ(getsockname(listener_.get(), reinterpret_cast<sockaddr *>(&a), &len), 0);
        client_ = std::make_unique<probe::TestClient>(ntohs(a.sin_port));
        server_ = sys::OwnFd(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        ASSERT_TRUE(server_.valid());
    }
    void server_sends(const std::string &bytes) {
        ASSERT_EQ(send(server_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    }
    sys::OwnFd listener_, server_;
    std::unique_ptr<probe::TestClient> client_;
};

TEST_F(WhyNoLine, NothingWithinTheLimit) {
    EXPECT_FALSE(client_->read_line(50ms));
    EXPECT_TRUE(client_->timed_out());
    EXPECT_EQ(client_->why_no_line(), "nothing came within 0.05 s");
}

TEST_F(WhyNoLine, AnUnfinishedLineIsQuotedAndCutAt40Bytes) {
    server_sends(std::string(45, 'x') + "\r");
    EXPECT_FALSE(client_->read_line(50ms));
    EXPECT_EQ(client_->why_no_line(), "only an unfinished line came within 0.05 s after \"" +
                                          std::string(40, 'x') + "...\" without a newline");
}

TEST_F(WhyNoLine, AClosedConnectionIsNotATimeout) {
    server_sends("Hello");
    server_.reset();
    EXPECT_FALSE(client_->read_line(5s));
    EXPECT_FALSE(client_->timed_out());
    EXPECT_EQ(client_->why_no_line(),
              "the server closed the connection after \"Hello\" without a newline");
}

TEST_F(WhyNoLine, AClosedConnectionSaysHowLongAfterTheHalfClose) {
    client_->shutdown_write();
    // Closed while the client waits in poll(): the time is the close's own.
    const pid_t reader = gettid();
    std::thread closer([&] {
        probe::poll_until([&] { return !probe::awaiting_input(reader).empty(); }, 5s);
        server_.reset();
    });
    EXPECT_FALSE(client_->read_line(10s));
    closer.join();
    const std::string why = client_->why_no_line();
    EXPECT_TRUE(std::regex_match(
        why,
        std::regex("the server closed the connection [0-9]+ ms after the client's half-close")))
        << why;
}

TEST_F(WhyNoLine, AConnectionClosedBeforeTheClientReadSaysItWasFoundThen) {
    client_->shutdown_write();
    server_.reset();
    // The close arrives before the client looks: only when it read is known.
    ASSERT_TRUE(
        probe::poll_until([&] { return !client_->read_line(0ms) && !client_->timed_out(); }, 5s));
    const std::string why = client_->why_no_line();
    EXPECT_TRUE(std::regex_match(why, std::regex("the server had closed the connection when the "
                                                 "client read, [0-9]+ ms after the client's "
                                                 "half-close")))
        << why;
}

TEST_F(WhyNoLine, AResetIsCalledOne) {
    const linger hard{1, 0};
    ASSERT_EQ(setsockopt(server_.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
    server_.reset();
    EXPECT_FALSE(client_->read_line(5s));
    EXPECT_EQ(client_->why_no_line(), "the server reset the connection");
}

}  // namespace
