# SPDX-License-Identifier: MIT
# The benchmark's building blocks, split by job: processes and /proc, runners, scenarios, reports.
