#ifndef FEEDWATCH_CPOSTGRESQL_SHIM_H
#define FEEDWATCH_CPOSTGRESQL_SHIM_H

// libpq, PostgreSQL's own client library (Debian's libpq-dev): the shared
// store (PostgresStore) talks to the server through it.
#include <libpq-fe.h>

#endif
