/* sd-als-rows-private.h — the row solves of one ALS half-step, written once for both
 * precisions
 *
 * sd-als.c includes this file twice, with ALS_REAL double and float and the matching BLAS
 * and LAPACK names, so that the double path (the reference the MPI trainer matches) and
 * the float path (the fast default) cannot drift apart. Not a header of its own.
 *
 * Why the rows are solved in groups: one row's k × k system is too small for the BLAS to
 * reach its speed (a 64 × 64 Cholesky runs at a fraction of dgemm's rate). Rows are taken
 * in aligned blocks of als_block_rows(k) rows, so that the same rows always meet in the
 * same group whatever the split between threads (or MPI ranks), and the result of a row
 * does not depend on who solved it.
 *
 * Cholesky, short rows (n ≤ k/2, most customers): with M = G + λI = L Lᵀ, shared by every
 * row of the half-step, A_u = M + B_u B_uᵀ = L (I + Ĉ_u Ĉ_uᵀ) Lᵀ where Ĉ_u = L⁻¹ B_u, and by
 * the Woodbury identity (I + Ĉ Ĉᵀ)⁻¹ = I − Ĉ (I + ĈᵀĈ)⁻¹ Ĉᵀ. The group's gathered item
 * columns and right-hand sides go through one triangular solve (level 3, at gemm speed);
 * each row then only factors an n × n matrix, n ≤ k/2; one more triangular solve gives x.
 * Long rows (n > k/2, most items) form A = M + B Bᵀ (syrk, in chunks) and solve it.
 *
 * CG: the group's M·P products are one gemm per step; each row adds B (Bᵀ p) from its
 * gathered columns (or, for a row longer than a group holds, chunk by chunk).
 */

#ifndef ALS_REAL
#error "sd-als-rows-private.h is included by sd-als.c with ALS_REAL defined"
#endif

#define ALS_PASTE2(a, b) a##b
#define ALS_PASTE(a, b) ALS_PASTE2 (a, b)
#define ALS_FN(name) ALS_PASTE (name, ALS_SUFFIX)

/* Per-thread buffers, sized once for the half-step. */
typedef struct {
  ALS_REAL *cells;    /* k × (cells_cap + block): gathered columns, then right-hand sides */
  ALS_REAL *chunk;    /* k × ALS_CHUNK: a long row's columns, a chunk at a time */
  ALS_REAL *S;        /* (k/2)²: a short row's Woodbury system */
  ALS_REAL *A;        /* k × k: a long row's system */
  ALS_REAL *tmp;      /* MAX (cells_cap, ALS_CHUNK, k) */
  ALS_REAL *X, *R, *P, *AP; /* k × block: the group's CG vectors */
  double   *rs;       /* block: ‖r‖² per row */
  gboolean *active;   /* block */
  guint    *members;  /* block: the group's rows */
  gsize    *offsets;  /* block + 1: each member's first gathered column (G_MAXSIZE: not gathered) */
} ALS_FN (Work);

static void
ALS_FN (work_init) (ALS_FN (Work) *w,
                    guint           k,
                    guint           block,
                    gsize           cells_cap)
{
  gsize half = MAX (k / 2, 1);

  w->cells = g_new (ALS_REAL, (gsize) k * (cells_cap + block));
  w->chunk = g_new (ALS_REAL, (gsize) k * ALS_CHUNK);
  w->S = g_new (ALS_REAL, half * half);
  w->A = g_new (ALS_REAL, (gsize) k * k);
  w->tmp = g_new (ALS_REAL, MAX (MAX (cells_cap, ALS_CHUNK), k));
  w->X = g_new (ALS_REAL, (gsize) k * block);
  w->R = g_new (ALS_REAL, (gsize) k * block);
  w->P = g_new (ALS_REAL, (gsize) k * block);
  w->AP = g_new (ALS_REAL, (gsize) k * block);
  w->rs = g_new (double, block);
  w->active = g_new (gboolean, block);
  w->members = g_new (guint, block);
  w->offsets = g_new (gsize, block + 1);
}

static void
ALS_FN (work_clear) (ALS_FN (Work) *w)
{
  g_free (w->cells);
  g_free (w->chunk);
  g_free (w->S);
  g_free (w->A);
  g_free (w->tmp);
  g_free (w->X);
  g_free (w->R);
  g_free (w->P);
  g_free (w->AP);
  g_free (w->rs);
  g_free (w->active);
  g_free (w->members);
  g_free (w->offsets);
}

/* Cells [p, end) of a row as columns sqrt(c - 1) y_j of B (k × (end - p)); when @b is
 * given, also adds Σ c_j y_j to it. */
static void
ALS_FN (gather) (const SolveTask *t,
                 gsize            p,
                 gsize            end,
                 ALS_REAL        *restrict B,
                 ALS_REAL        *restrict b)
{
  const ALS_REAL *fixed = t->fixed;
  guint k = t->k, k8 = k & ~7u;

  for (; p < end; p++, B += k)
    {
      const ALS_REAL *restrict y = fixed + (gsize) t->indices[p] * k;
      double extra = t->alpha * t->values[p];
      ALS_REAL s = (ALS_REAL) sqrt (extra), c = (ALS_REAL) (1.0 + extra);
      guint f;

      /* The rows are scattered over the other side's factors (hundreds of MB for a
       * million customers): waiting on each row's cache misses was most of the time. */
      if (p + ALS_PREFETCH < end)
        {
          const char *ahead = (const char *) (fixed + (gsize) t->indices[p + ALS_PREFETCH] * k);

          for (gsize line = 0; line < k * sizeof (ALS_REAL); line += 64)
            __builtin_prefetch (ahead + line);
        }

      /* eight at a time, which the compiler turns into vector instructions at -O2 */
      for (f = 0; f < k8; f += 8)
        {
          B[f] = s * y[f]; B[f + 1] = s * y[f + 1]; B[f + 2] = s * y[f + 2]; B[f + 3] = s * y[f + 3];
          B[f + 4] = s * y[f + 4]; B[f + 5] = s * y[f + 5]; B[f + 6] = s * y[f + 6]; B[f + 7] = s * y[f + 7];
        }
      for (; f < k; f++)
        B[f] = s * y[f];
      if (b == NULL)
        continue;
      for (f = 0; f < k8; f += 8)
        {
          b[f] += c * y[f]; b[f + 1] += c * y[f + 1]; b[f + 2] += c * y[f + 2]; b[f + 3] += c * y[f + 3];
          b[f + 4] += c * y[f + 4]; b[f + 5] += c * y[f + 5]; b[f + 6] += c * y[f + 6]; b[f + 7] += c * y[f + 7];
        }
      for (; f < k; f++)
        b[f] += c * y[f];
    }
}

/* A long row: A = M + B Bᵀ with B gathered a chunk at a time, then A x = b. */
static void
ALS_FN (solve_long_row) (SolveTask     *t,
                         ALS_FN (Work) *w,
                         guint          row)
{
  guint k = t->k;
  int kk = (int) k, one = 1, info = 0;
  ALS_REAL *x = (ALS_REAL *) t->out + (gsize) row * k;
  ALS_REAL *b = w->tmp;
  double start;

  memcpy (w->A, t->system, (gsize) k * k * sizeof (ALS_REAL));
  memset (b, 0, k * sizeof (ALS_REAL));
  for (gsize p = t->indptr[row]; p < t->indptr[row + 1]; p += ALS_CHUNK)
    {
      gsize end = MIN (p + ALS_CHUNK, t->indptr[row + 1]);

      ALS_FN (gather) (t, p, end, w->chunk, b);
      start = now_seconds ();
      ALS_SYRK (CblasColMajor, CblasLower, CblasNoTrans, k, (int) (end - p), 1.0, w->chunk, k, 1.0, w->A, k);
      t->blas_seconds += now_seconds () - start;
      t->flops += (double) (end - p) * k * (k + 1);
    }
  start = now_seconds ();
  ALS_POSV ("L", &kk, &one, w->A, &kk, b, &kk, &info);
  t->blas_seconds += now_seconds () - start;
  t->flops += (double) k * k * k / 3.0 + 2.0 * k * k;
  /* λ > 0 makes A positive definite; info != 0 only with reg = 0 and a degenerate row,
   * where keeping the previous x is the sensible answer. */
  if (info == 0)
    memcpy (x, b, k * sizeof (ALS_REAL));
}

/* Short rows by the Woodbury identity (see the top of this file); @members are rows with
 * 1 ≤ n ≤ k/2. */
static void
ALS_FN (solve_short_group) (SolveTask     *t,
                            ALS_FN (Work) *w,
                            guint          n_members)
{
  guint k = t->k;
  const ALS_REAL *L = t->chol;
  ALS_REAL *C = w->cells, *rhs;
  gsize n_cells = 0;
  double start;

  for (guint i = 0; i < n_members; i++)
    {
      guint row = w->members[i];

      w->offsets[i] = n_cells;
      n_cells += t->indptr[row + 1] - t->indptr[row];
    }
  w->offsets[n_members] = n_cells;
  rhs = C + n_cells * k;
  memset (rhs, 0, (gsize) n_members * k * sizeof (ALS_REAL));
  for (guint i = 0; i < n_members; i++)
    {
      guint row = w->members[i];

      ALS_FN (gather) (t, t->indptr[row], t->indptr[row + 1], C + w->offsets[i] * k, rhs + (gsize) i * k);
    }

  start = now_seconds ();
  /* Ĉ = L⁻¹ B and b̂ = L⁻¹ b for the whole group at once */
  ALS_TRSM (CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
            k, (int) (n_cells + n_members), 1.0, L, k, C, k);
  t->flops += (double) k * k * (n_cells + n_members);
  for (guint i = 0; i < n_members; i++)
    {
      int n = (int) (w->offsets[i + 1] - w->offsets[i]), one = 1, info = 0;
      const ALS_REAL *Ci = C + w->offsets[i] * k;
      ALS_REAL *bi = rhs + (gsize) i * k;

      /* S = I + ĈᵀĈ, t = Ĉᵀ b̂, t ← S⁻¹ t, b̂ ← b̂ − Ĉ t */
      memset (w->S, 0, (gsize) n * n * sizeof (ALS_REAL));
      for (int d = 0; d < n; d++)
        w->S[d * n + d] = 1;
      ALS_SYRK (CblasColMajor, CblasLower, CblasTrans, n, k, 1.0, Ci, k, 1.0, w->S, n);
      ALS_GEMV (CblasColMajor, CblasTrans, k, n, 1.0, Ci, k, bi, 1, 0.0, w->tmp, 1);
      ALS_POSV ("L", &n, &one, w->S, &n, w->tmp, &n, &info);
      /* S ⪰ I is always positive definite; info != 0 would mean NaNs came in */
      if (info == 0)
        ALS_GEMV (CblasColMajor, CblasNoTrans, k, n, -1.0, Ci, k, w->tmp, 1, 1.0, bi, 1);
      t->flops += (double) n * (n + 1) * k + 4.0 * n * k + (double) n * n * n / 3.0 + 2.0 * n * n;
    }
  /* x = L⁻ᵀ ẑ */
  ALS_TRSM (CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit,
            k, (int) n_members, 1.0, L, k, rhs, k);
  t->flops += (double) k * k * n_members;
  t->blas_seconds += now_seconds () - start;

  for (guint i = 0; i < n_members; i++)
    memcpy ((ALS_REAL *) t->out + (gsize) w->members[i] * k, rhs + (gsize) i * k, k * sizeof (ALS_REAL));
}

/* AP[:, i] += B_i (B_iᵀ P[:, i]) for one member, from its gathered columns or chunk by chunk. */
static void
ALS_FN (apply_cells) (SolveTask      *t,
                      ALS_FN (Work)  *w,
                      guint           i,
                      const ALS_REAL *p,
                      ALS_REAL       *ap)
{
  guint k = t->k, row = w->members[i];

  if (w->offsets[i] != G_MAXSIZE)
    {
      int n = (int) (t->indptr[row + 1] - t->indptr[row]);
      const ALS_REAL *B = w->cells + w->offsets[i] * k;

      ALS_GEMV (CblasColMajor, CblasTrans, k, n, 1.0, B, k, p, 1, 0.0, w->tmp, 1);
      ALS_GEMV (CblasColMajor, CblasNoTrans, k, n, 1.0, B, k, w->tmp, 1, 1.0, ap, 1);
      return;
    }
  for (gsize q = t->indptr[row]; q < t->indptr[row + 1]; q += ALS_CHUNK)
    {
      gsize end = MIN (q + ALS_CHUNK, t->indptr[row + 1]);
      int n = (int) (end - q);
      double start = now_seconds ();

      ALS_FN (gather) (t, q, end, w->chunk, NULL);
      /* the caller times this as BLAS work: the gathering is not */
      t->blas_seconds -= now_seconds () - start;
      ALS_GEMV (CblasColMajor, CblasTrans, k, n, 1.0, w->chunk, k, p, 1, 0.0, w->tmp, 1);
      ALS_GEMV (CblasColMajor, CblasNoTrans, k, n, 1.0, w->chunk, k, w->tmp, 1, 1.0, ap, 1);
    }
}

/* AP = M P (one gemm for the group) + each member's own cells. */
static void
ALS_FN (apply_group) (SolveTask      *t,
                      ALS_FN (Work)  *w,
                      guint           n_members,
                      const ALS_REAL *P)
{
  guint k = t->k;

  ALS_GEMM (CblasColMajor, CblasNoTrans, CblasNoTrans, k, (int) n_members, k,
            1.0, t->system, k, P, k, 0.0, w->AP, k);
  t->flops += 2.0 * k * k * n_members;
  for (guint i = 0; i < n_members; i++)
    if (w->active[i])
      {
        guint row = w->members[i];

        ALS_FN (apply_cells) (t, w, i, P + (gsize) i * k, w->AP + (gsize) i * k);
        t->flops += 4.0 * (t->indptr[row + 1] - t->indptr[row]) * k;
      }
}

/* A few warm-started CG steps for every member of the group, side by side. */
static void
ALS_FN (cg_group) (SolveTask     *t,
                   ALS_FN (Work) *w,
                   guint          n_members)
{
  guint k = t->k;
  gsize n_cells = 0;
  double start;

  memset (w->R, 0, (gsize) n_members * k * sizeof (ALS_REAL));
  for (guint i = 0; i < n_members; i++)
    {
      guint row = w->members[i];
      gsize n = t->indptr[row + 1] - t->indptr[row];
      ALS_REAL *b = w->R + (gsize) i * k;

      memcpy (w->X + (gsize) i * k, (ALS_REAL *) t->out + (gsize) row * k, k * sizeof (ALS_REAL));
      w->active[i] = TRUE;
      if (n <= ALS_CELLS_CAP (k) && n_cells + n <= ALS_CELLS_CAP (k))
        {
          w->offsets[i] = n_cells;
          ALS_FN (gather) (t, t->indptr[row], t->indptr[row + 1], w->cells + n_cells * k, b);
          n_cells += n;
        }
      else
        {
          const ALS_REAL *fixed = t->fixed;

          w->offsets[i] = G_MAXSIZE;
          for (gsize q = t->indptr[row]; q < t->indptr[row + 1]; q++)
            {
              const ALS_REAL *y = fixed + (gsize) t->indices[q] * k;
              ALS_REAL c = (ALS_REAL) (1.0 + t->alpha * t->values[q]);

              for (guint f = 0; f < k; f++)
                b[f] += c * y[f];
            }
        }
    }

  start = now_seconds ();
  /* r = b - A x, warm-started from the previous iteration's x */
  ALS_FN (apply_group) (t, w, n_members, w->X);
  for (guint i = 0; i < n_members; i++)
    {
      ALS_REAL *r = w->R + (gsize) i * k;

      ALS_AXPY (k, -1.0, w->AP + (gsize) i * k, 1, r, 1);
      memcpy (w->P + (gsize) i * k, r, k * sizeof (ALS_REAL));
      w->rs[i] = ALS_DOT (k, r, 1, r, 1);
      w->active[i] = w->rs[i] > 1e-20;
      t->flops += 4.0 * k;
    }

  for (int step = 0; step < t->cg_steps; step++)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < n_members; i++)
        any |= w->active[i];
      if (!any)
        break;
      ALS_FN (apply_group) (t, w, n_members, w->P);
      for (guint i = 0; i < n_members; i++)
        {
          ALS_REAL *x = w->X + (gsize) i * k, *r = w->R + (gsize) i * k;
          ALS_REAL *p = w->P + (gsize) i * k, *ap = w->AP + (gsize) i * k;
          double pAp, a, rs_new;

          if (!w->active[i])
            continue;
          pAp = ALS_DOT (k, p, 1, ap, 1);
          if (pAp <= 0)
            {
              w->active[i] = FALSE;
              continue;
            }
          a = w->rs[i] / pAp;
          ALS_AXPY (k, a, p, 1, x, 1);
          ALS_AXPY (k, -a, ap, 1, r, 1);
          rs_new = ALS_DOT (k, r, 1, r, 1);
          ALS_SCAL (k, rs_new / w->rs[i], p, 1);
          ALS_AXPY (k, 1.0, r, 1, p, 1);
          w->rs[i] = rs_new;
          w->active[i] = rs_new > 1e-20;
          t->flops += 12.0 * k;
        }
    }
  t->blas_seconds += now_seconds () - start;

  for (guint i = 0; i < n_members; i++)
    memcpy ((ALS_REAL *) t->out + (gsize) w->members[i] * k, w->X + (gsize) i * k, k * sizeof (ALS_REAL));
}

static gpointer
ALS_FN (solve_rows) (gpointer data)
{
  SolveTask *t = data;
  guint k = t->k, block = als_block_rows (k);
  gsize short_max = t->chol ? k / 2 : 0;
  ALS_FN (Work) w;

  ALS_FN (work_init) (&w, k, block, ALS_CELLS_CAP (k));
  for (guint begin = t->row_begin; begin < t->row_end && !t->cancelled; )
    {
      /* blocks are aligned to multiples of @block, whatever the range starts at */
      guint end = MIN ((begin / block + 1) * block, t->row_end);
      guint n_members = 0;
      gsize group_cells = 0;

      if (g_cancellable_is_cancelled (t->cancellable))
        {
          t->cancelled = TRUE;
          break;
        }
      for (guint row = begin; row < end; row++)
        {
          gsize n = t->indptr[row + 1] - t->indptr[row];

          if (n == 0)
            /* (G + λI) x = 0: nothing to learn about this row */
            memset ((ALS_REAL *) t->out + (gsize) row * k, 0, k * sizeof (ALS_REAL));
          else if (t->use_cg)
            {
              /* a CG group holds what fits its buffer, so that no row is gathered again at
               * every step; a row longer than that alone goes a chunk at a time */
              if (n_members > 0 && group_cells + n > ALS_CELLS_CAP (k))
                {
                  ALS_FN (cg_group) (t, &w, n_members);
                  n_members = 0;
                  group_cells = 0;
                }
              w.members[n_members++] = row;
              group_cells += n;
            }
          else if (n <= short_max)
            w.members[n_members++] = row;
          else
            ALS_FN (solve_long_row) (t, &w, row);
        }
      if (n_members > 0)
        {
          if (t->use_cg)
            ALS_FN (cg_group) (t, &w, n_members);
          else
            ALS_FN (solve_short_group) (t, &w, n_members);
        }
      begin = end;
    }
  ALS_FN (work_clear) (&w);
  return NULL;
}

#undef ALS_FN
#undef ALS_PASTE
#undef ALS_PASTE2
/* the parameters too, so the next inclusion defines its own */
#undef ALS_REAL
#undef ALS_SUFFIX
#undef ALS_GEMM
#undef ALS_GEMV
#undef ALS_SYRK
#undef ALS_TRSM
#undef ALS_AXPY
#undef ALS_DOT
#undef ALS_SCAL
#undef ALS_POSV
