# SPDX-License-Identifier: MIT
# Homebrew formula for tfrun. tfrun needs Linux (child subreaper, /proc, sigtimedwait), so it is for
# Homebrew on Linux. To release: publish the source tarball (`git archive --prefix=tfrun-VERSION/ vVERSION`),
# then set `url` to it and `sha256` to `sha256sum` of it.
class Tfrun < Formula
  desc "Procfile process supervisor and container init"
  homepage "https://tfrun.example.org/"
  url "https://tfrun.example.org/releases/tfrun-0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"

  depends_on "cmake" => :build
  depends_on "pkg-config" => :build # finds re2
  depends_on "cli11" => :build # header-only
  depends_on "scdoc" => :build # man pages
  depends_on "boost"
  depends_on "fmt"
  depends_on "re2"
  depends_on "tomlplusplus"
  depends_on :linux

  def install
    # cmake --install places the man pages (man1, man5) and the completions in Homebrew's directories:
    # share/bash-completion/completions, share/zsh/site-functions, share/fish/vendor_completions.d.
    args = %w[-DTFRUN_BUILD_TESTS=OFF -DTFRUN_BUILD_EXAMPLES=OFF]
    system "cmake", "-S", ".", "-B", "build", *args, *std_cmake_args
    system "cmake", "--build", "build"
    system "cmake", "--install", "build"
  end

  test do
    (testpath/"Procfile").write <<~EOS
      web: echo "web listening on $PORT"
      db: echo "db up"
    EOS
    (testpath/"tfrun.toml").write <<~EOS
      [process.web]
      depends_on = ["db"]
    EOS

    output = shell_output("#{bin}/tfrun check")
    assert_match(/web\.1\s+port 5000/, output)
    assert_match(/db\.1\s+port 5100/, output)
    assert_match "start order: db -> web", output

    # The formation stops when a process exits; exit 0 is tfrun's status then.
    output = shell_output("#{bin}/tfrun start db --no-timestamp --color never")
    assert_match(/^db\.1 +\| db up$/, output)

    assert_match version.to_s, shell_output("#{bin}/tfrun --version")
    assert_predicate man5/"tfrun.toml.5", :exist?
    assert_predicate zsh_completion/"_tfrun", :exist?
  end
end
