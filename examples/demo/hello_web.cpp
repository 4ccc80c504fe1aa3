// SPDX-License-Identifier: MIT
// The demo's web process: a tiny HTTP server on $PORT that logs each request, as a twelve-factor app would.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

volatile sig_atomic_t g_stop = 0;

void request_stop(int) { g_stop = 1; }

} // namespace

int main() {
  const char* port_text = std::getenv("PORT");
  const int port = port_text != nullptr ? std::atoi(port_text) : 5000;
  const char* greeting = std::getenv("GREETING");
  struct sigaction action {};
  action.sa_handler = request_stop; // no SA_RESTART: accept() returns on SIGTERM
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  setvbuf(stdout, nullptr, _IOLBF, 0);

  const int server = socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(server, 16) != 0) {
    std::fprintf(stderr, "cannot listen on port %d: %s\n", port, std::strerror(errno));
    return 1;
  }
  std::printf("listening on http://localhost:%d\n", port);
  for (unsigned served = 1; g_stop == 0; ++served) {
    const int client = accept(server, nullptr, nullptr);
    if (client < 0) {
      continue;
    }
    char request[1024] = {};
    const auto got = read(client, request, sizeof request - 1);
    const std::string first_line(request, std::strcspn(request, "\r\n"));
    const std::string body = std::string(greeting != nullptr ? greeting : "hello") + " from " +
                             (std::getenv("PS") != nullptr ? std::getenv("PS") : "web") + "\n";
    const std::string response =
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
        body;
    if (got > 0 && write(client, response.data(), response.size()) > 0) {
      std::printf("%s -> 200 (request %u)\n", first_line.c_str(), served);
    }
    close(client);
  }
  std::printf("shutting down gracefully\n");
  return 0;
}
