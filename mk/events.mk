# SPDX-License-Identifier: GPL-2.0-only
#
# The event log's ways out (src/events/): the systemd journal through
# sd_journal_send(3), from libsystemd. The library is only a client of the
# journal's socket: nothing is written when no journald listens.
DEB_PKGS_EXTRA += libsystemd-dev
LIBS += -lsystemd
