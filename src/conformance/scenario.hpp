// SPDX-License-Identifier: MIT
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

// How a connection of a Connections case ends, once it has its reply.
enum class Goodbye { close, reset, quit };

// One server through many connections, one after another, several open at
// a time: each sends one message and awaits its reply; when open_at_once are
// open, the oldest ends before the next opens. Every check_every connections
// all end and the server is checked.
struct Connections {
    int count = 0;
    int open_at_once = 1;
    int check_every = 1;
    std::vector<Goodbye> goodbyes;  // cycled over the connections; never empty
};

// Quoted and escaped; a long run of one byte as "x" x 995.
void show_bytes(const std::string &b, std::ostream &os);
void showValue(const Message &m, std::ostream &os);
void showValue(const Connections &c, std::ostream &os);
void showValue(const Client &c, std::ostream &os);
void showValue(const Scenario &s, std::ostream &os);

// Whether the client's quit, if any, ends in CRLF.
bool quit_crlf(const Client &c);

// The stream cut into the sends the client makes (one per message in lockstep).
std::vector<std::string> chunks_of(const Client &c);

}  // namespace conformance
