/* sd-cli-train-mpi.c — `shopdesk-cli train --distributed`: ALS across the ranks of an MPI job
 *
 * The only file that includes mpi.h; built only where meson found MPI. Every rank reads the
 * shop's interactions (read-only) and fits its block of users and items; the exchange
 * below is what ALS asks of MPI (sd_als_set_exchange): fixed-size all-gathers for the
 * Gram matrices and the loss, which ALS then sums in rank order, and one all-gather of
 * each side's solved rows per half-step. Rank 0 alone writes to the shop.
 */
#include "config.h"

#include <mpi.h>
#include <time.h>

#include "sd-als.h"
#include "sd-cli.h"
#include "sd-error.h"

static SdAlsExchange exchange;
/* Bytes every rank together received in the exchanges so far: all-gathers move each
 * rank's part to every other rank, so the whole job's figure is known on each rank. */
static guint64 exchanged_bytes;
/* Wall time this rank spent in the exchanges: moving data and waiting for slower ranks. */
static gint64 exchange_us;
/* This process's CPU time from the first exchange (the fit's start) to the last: the
 * rank's own share of the work, whatever else the machine is running. */
static double cpu_first = -1, cpu_last;

static void
note_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  cpu_last = ts.tv_sec + ts.tv_nsec * 1e-9;
  if (cpu_first < 0)
    cpu_first = cpu_last;
}

static gboolean
check (int          code,
       const char  *what,
       GError     **error)
{
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;

  if (code == MPI_SUCCESS)
    return TRUE;
  MPI_Error_string (code, text, &length);
  g_set_error (error, SD_ERROR, SD_ERROR_FAILED, "MPI %s failed on rank %d: %.*s",
               what, exchange.rank, length, text);
  return FALSE;
}

static gboolean
mpi_allgather (const double *mine,
               gsize         n,
               double       *all,
               gpointer      user_data,
               GError      **error)
{
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  note_cpu_time ();
  exchanged_bytes += (guint64) exchange.n_ranks * (exchange.n_ranks - 1) * n * sizeof (double);
  ok = check (MPI_Allgather (mine, (int) n, MPI_DOUBLE, all, (int) n, MPI_DOUBLE,
                             MPI_COMM_WORLD), "all-gather", error);
  exchange_us += g_get_monotonic_time () - start;
  return ok;
}

static gboolean
mpi_allgather_rows (double      *rows,
                    const guint *starts,
                    guint        width,
                    gpointer     user_data,
                    GError     **error)
{
  int n_ranks = exchange.n_ranks;
  g_autofree int *counts = g_new (int, n_ranks);
  g_autofree int *displs = g_new (int, n_ranks);
  MPI_Datatype row_type;
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  note_cpu_time ();
  /* Counted in rows of @width doubles, so a million customers × 1,024 factors stay
   * within an int. */
  for (int r = 0; r < n_ranks; r++)
    {
      counts[r] = (int) (starts[r + 1] - starts[r]);
      displs[r] = (int) starts[r];
    }
  exchanged_bytes += (guint64) (exchange.n_ranks - 1) * (starts[n_ranks] - starts[0]) * width
                     * sizeof (double);
  if (!check (MPI_Type_contiguous ((int) width, MPI_DOUBLE, &row_type), "row type", error))
    return FALSE;
  MPI_Type_commit (&row_type);
  ok = check (MPI_Allgatherv (MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, rows, counts, displs,
                              row_type, MPI_COMM_WORLD), "all-gather of factor rows", error);
  MPI_Type_free (&row_type);
  exchange_us += g_get_monotonic_time () - start;
  return ok;
}

gboolean
sd_cli_mpi_init (int     *argc,
                 char  ***argv,
                 int     *rank,
                 int     *n_ranks,
                 GError **error)
{
  int provided = 0;

  /* The training job runs in this thread (sd_job_run_sync); ALS's own solver threads never
   * call MPI, so FUNNELED is all it needs. */
  if (!check (MPI_Init_thread (argc, argv, MPI_THREAD_FUNNELED, &provided), "initialisation", error))
    return FALSE;
  /* Failures come back as errors with a message, not as an abort without one. */
  MPI_Comm_set_errhandler (MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank (MPI_COMM_WORLD, &exchange.rank);
  MPI_Comm_size (MPI_COMM_WORLD, &exchange.n_ranks);
  exchange.allgather = mpi_allgather;
  exchange.allgather_rows = mpi_allgather_rows;
  *rank = exchange.rank;
  *n_ranks = exchange.n_ranks;
  return TRUE;
}

gboolean
sd_cli_mpi_all_ok (gboolean ok)
{
  int mine = ok, all = 0;

  MPI_Allreduce (&mine, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return all;
}

void
sd_cli_mpi_prepare_model (SdRecommender *model,
                          gpointer       user_data)
{
  if (SD_IS_ALS (model))
    sd_als_set_exchange (SD_ALS (model), &exchange);
}

guint64
sd_cli_mpi_exchanged_bytes (void)
{
  return exchanged_bytes;
}

double
sd_cli_mpi_exchange_seconds (void)
{
  return exchange_us / 1e6;
}

double
sd_cli_mpi_cpu_seconds (void)
{
  return cpu_first < 0 ? 0 : cpu_last - cpu_first;
}

void
sd_cli_mpi_finish (int status)
{
  MPI_Request request;
  int done = 0;

  /* The ranks meet here however they ended, so none leaves (or ends the job) before rank 0
   * has recorded the run. A failed rank waits 30 s at most: another still waiting for it
   * inside the fit would wait for ever, so then it ends the whole job. */
  MPI_Ibarrier (MPI_COMM_WORLD, &request);
  for (int waited = 0; ; waited++)
    {
      MPI_Test (&request, &done, MPI_STATUS_IGNORE);
      if (done)
        break;
      if (status != SD_EXIT_OK && waited >= 300)
        MPI_Abort (MPI_COMM_WORLD, status);
      g_usleep (100 * 1000);
    }
  MPI_Finalize ();
}
