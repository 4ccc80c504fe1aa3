// SPDX-License-Identifier: MIT
#include <tfrun/core/line_splitter.hpp>

namespace tfrun::core {

// After a huge line, give the memory back so a thousand quiet children do not each keep a megabyte.
void LineSplitter::release_large_buffer() {
  constexpr std::size_t k_keep_capacity = 64 * 1024;
  if (m_partial.capacity() > k_keep_capacity) {
    std::string().swap(m_partial);
  }
}

} // namespace tfrun::core
