/* sd-cli.h — the subcommands of shopdesk-cli and what they share */
#pragma once

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "sd-dp-report.h"
#include "sd-json-writer.h"
#include "sd-recommender.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* Exit statuses scripts rely on. */
enum {
  SD_EXIT_OK = 0,
  SD_EXIT_FAILED = 1,     /* the work failed as a whole; nothing changed */
  SD_EXIT_USAGE = 2,
  SD_EXIT_PARTIAL = 3,    /* some rows rejected, the rest imported */
};

typedef struct {
  const char *db_path;    /* from --db, or the default shop */
} SdCliGlobal;

typedef int (*SdCliCommand) (SdCliGlobal *global, int argc, char **argv);

int      sd_cli_stats   (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_eval    (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_train   (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_recommend (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_similar (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_tune    (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_import  (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_demo    (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_coupons (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_segments (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_fairness (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_chat    (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_chat_train (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_chat_eval  (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_models  (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_sync    (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_customers (SdCliGlobal *global, int argc, char **argv);
int      sd_cli_sentiment_train (SdCliGlobal *global, int argc, char **argv);

/* `train --distributed` (sd-cli-train-mpi.c, built only where MPI was found). Init joins
 * the MPI job (a job of one rank outside mpirun); prepare_model makes an ALS model this
 * rank's part of the fit (an SdTrainOptions.prepare_model); finish waits for every rank
 * and ends the job (all of it when this rank failed and another still waits for it). */
#if HAVE_MPI
gboolean sd_cli_mpi_init          (int            *argc,
                                   char         ***argv,
                                   int            *rank,
                                   int            *n_ranks,
                                   GError        **error);
/* Whether @ok is TRUE on every rank (a barrier). */
gboolean sd_cli_mpi_all_ok        (gboolean        ok);
void     sd_cli_mpi_prepare_model (SdRecommender  *model,
                                   gpointer        user_data);
/* Bytes the ranks received from each other in all, counted as they are sent. */
guint64  sd_cli_mpi_exchanged_bytes (void);
/* Seconds this rank spent in them (moving data, waiting for the others). */
double   sd_cli_mpi_exchange_seconds (void);
/* This rank's CPU seconds from the fit's first exchange to its last. */
double   sd_cli_mpi_cpu_seconds   (void);
void     sd_cli_mpi_finish        (int             status);
#endif

/* Parses @entries from argv (argv[0] is the subcommand). On a parse error prints it with
 * the command's help hint and returns FALSE. */
gboolean sd_cli_parse   (const char    *command,
                         const char    *summary,
                         GOptionEntry  *entries,
                         int           *argc,
                         char        ***argv);
/* The shop from --db (or the default one) for reading: it must be there and be a shop;
 * one that cannot be written opens read-only. Prints why and returns NULL otherwise. */
SdStore *sd_cli_open_store (SdCliGlobal *global);
/* The same for a command that changes the shop: refused when it is read-only.
 * SD_STORE_OPEN_CREATE for the commands that may make a new shop (import, demo). */
SdStore *sd_cli_open_store_for_writing (SdCliGlobal      *global,
                                        SdStoreOpenFlags  flags);
/* Cancelled by Ctrl+C (SIGINT) or SIGTERM from now on, instead of being stopped at
 * once: a command that changes the shop passes it to the work, rolls back and exits
 * with sd_cli_cancelled_status(): 128 + the signal's number (130, 143), as a shell does. */
GCancellable *sd_cli_cancel_on_signals (void);
int      sd_cli_cancelled_status (void);
/* A progress line on stderr, only when stderr is a terminal. */
void     sd_cli_progress   (double fraction, const char *text);
void     sd_cli_progress_done (void);
/* @text (from a file or a shop) as it may be shown on a terminal: control characters, C1
 * controls, bidirectional overrides and broken UTF-8 are written escaped (\x1b, \a, \n,
 * \u009b), so a field can neither retitle nor clear the terminal nor fake a line. Every
 * message and table that shows such text uses it; --json and --csv output never does
 * (JSON escapes control characters itself; CSV is data for files). */
char    *sd_cli_printable   (const char *text);
/* The columns @text takes on a terminal: East Asian wide characters (Chinese) take two,
 * combining marks none; for lining up tables whose labels are translated. */
gsize    sd_cli_text_width  (const char *text);
/* @text in a column @width wide as a terminal shows it: padded on the right (left-aligned),
 * or on the left when @width is negative; cut at a character when it is wider. */
char    *sd_cli_column      (const char *text,
                             int         width);
/* The same, padded only: a wider @text is kept whole (a long title pushes its row on,
 * as printf's %-40s does). */
char    *sd_cli_pad         (const char *text,
                             int         width);
/* The same for text of several lines (a chat reply, a trace): line breaks are kept. */
char    *sd_cli_printable_lines (const char *text);
/* Writes @contents to the file @path names (options such as --out and --rejects): through a
 * temporary file beside it renamed over it, so a failure leaves the old file whole; a
 * symbolic link is followed and stays. A folder, a device (/dev/null), a named pipe or a
 * socket is refused with a message saying so, and left untouched. */
gboolean sd_cli_save_file   (const char  *path,
                             const char  *contents,
                             gsize        length,
                             GError     **error);
/* "shopdesk-cli COMMAND: MESSAGE" on stderr, the message shown with sd_cli_printable(): an
 * error often quotes a value from a file. */
void     sd_cli_print_error (const char   *command,
                             const GError *error);
/* Prints a JSON-escaped string with quotes. */
/* @key: @id, or null when @id is 0 or less (no such row). */
void     sd_cli_json_member_id (SdJsonWriter *writer,
                                const char   *key,
                                gint64        id);
/* Prints the writer's JSON and a newline, and frees the writer. */
void     sd_cli_print_json  (SdJsonWriter *writer);

/* The options of a differentially private release (--dp EPSILON and its companions), for
 * the commands whose figures may leave the shop (stats, segments). */
typedef struct {
  char *epsilon, *mechanism, *delta, *threshold, *max_orders, *max_revenue;
} SdCliDp;

#define SD_CLI_DP_ENTRIES(dp) \
  { "dp", 0, 0, G_OPTION_ARG_STRING, &(dp)->epsilon, N_("Release with differential privacy, spending EPSILON in all"), "EPSILON" }, \
  { "dp-mechanism", 0, 0, G_OPTION_ARG_STRING, &(dp)->mechanism, N_("laplace (default) or gaussian noise"), "KIND" }, \
  { "dp-delta", 0, 0, G_OPTION_ARG_STRING, &(dp)->delta, N_("δ of gaussian noise (default 1e-6)"), "DELTA" }, \
  { "dp-threshold", 0, 0, G_OPTION_ARG_STRING, &(dp)->threshold, N_("Customers a group needs to be shown (default 20)"), "N" }, \
  { "dp-max-orders", 0, 0, G_OPTION_ARG_STRING, &(dp)->max_orders, N_("Orders one customer may add (default 10)"), "N" }, \
  { "dp-max-revenue", 0, 0, G_OPTION_ARG_STRING, &(dp)->max_revenue, N_("Revenue one customer may add, in the shop's currency (default 1000)"), "AMOUNT" }

void     sd_cli_dp_clear    (SdCliDp *dp);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SdCliDp, sd_cli_dp_clear)
/* FALSE (said on stderr) when an option is not a number in range. */
gboolean sd_cli_dp_options  (const char    *command,
                             const SdCliDp *dp,
                             SdDpOptions   *options);
/* The release as text: budget, noise and the figures. */
void     sd_cli_dp_print    (const SdDpReport *report);

G_END_DECLS
