// What clients do in a property case: each client's messages, how its byte
// stream is cut into sends, the pauses between them, and how it leaves.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace conformance {

struct Message {
    std::string bytes;   // never contains '\n'
    std::string ending;  // "\n", "\r\n", or "" for an unterminated last line
};

enum class Leave {
    finish,    // half-close after the last send, read every reply, see the close
    close,     // close after sending, replies unread
    mid_line,  // send part of one more line, then close
    reset,     // send, then close with SO_LINGER 0 (RST)
};

struct Client {
    std::vector<Message> messages;
    std::vector<std::size_t> chunk_sizes;  // cycled over the stream; never empty
    std::vector<int> pauses_ms;            // cycled: pause before each send
    Leave leave = Leave::finish;
    // Sends one message at a time and waits for its reply before the next
    // (reference profile; the worksheet's clients always do).
    bool lockstep = false;

    std::string stream() const;  // the bytes it sends, in order
    bool checks_replies() const { return leave == Leave::finish; }
};

struct Scenario {
    std::vector<Client> clients;  // connected together, sends interleaved
    std::vector<int> order;       // which client sends its next chunk, in turn
    int burst = 0;                // then this many clients, each served once, close at once
};

void showValue(const Message &m, std::ostream &os);
void showValue(const Client &c, std::ostream &os);
void showValue(const Scenario &s, std::ostream &os);

// Whether the client's quit, if any, ends in CRLF.
bool quit_crlf(const Client &c);

// The stream cut into the sends the client makes (one per message in lockstep).
std::vector<std::string> chunks_of(const Client &c);

}  // namespace conformance
