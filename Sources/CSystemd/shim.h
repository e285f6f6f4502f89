#ifndef FEEDWATCH_CSYSTEMD_SHIM_H
#define FEEDWATCH_CSYSTEMD_SHIM_H

// sd_journal_sendv and sd_notify import into Swift directly; the variadic
// sd_journal_send and sd_notifyf are not used.
#include <systemd/sd-journal.h>
#include <systemd/sd-daemon.h>

#endif
