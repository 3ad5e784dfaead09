/* sd-queries-private.h — what the question modules share, not for their callers */
#pragma once

#include "sd-store.h"

/* Column @column of @stmt's row as a new string; NULL for NULL or empty text. */
static inline char *
sd_query_column_text (SdStmt *stmt,
                      int     column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text && *text ? g_strdup (text) : NULL;
}
