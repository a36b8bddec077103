// tpw/mpi/engine.hpp: a plan's Monte Carlo and Sobol' indices sharded across MPI ranks (target
// tpw::mpi, built when CMake finds MPI; Open MPI from Debian: libopenmpi-dev, openmpi-bin).
//
// The run is the radix engine of tpw/mc/plan/radix_passes.hpp (the GPU engine's algorithm) on the
// host, with each launch's blocks of samples split into one contiguous share per rank. Every
// sample is regenerated from its counter, so a rank computes only its own share; after each
// launch the ranks exchange
//   - each block's partial sums, gathered in block order (MPI_Allgatherv), so that every rank
//     merges the same numbers in the same order as a single process does;
//   - the histogram and exceedance counts, which are integers, summed (MPI_Allreduce);
//   - the lowest sample with a non-finite output (MPI_MIN);
//   - with keep_samples, the samples themselves.
// Every rank then holds bitwise the result of tpw::mpi::run on one rank (and of
// mc::radix::run_passes on the host), whatever the number of ranks: the quantiles, min, max and
// exceedance probabilities equal the CPU engine's tpw::mc::run exactly, the moments and expected
// shortfalls to 1e-12 (its chunks sum in another order).
//
// tpw::mpi::sobol shares the Sobol' passes (tpw/mc/plan/sobol_passes.hpp) the same way: rows,
// blocks and bootstrap resamples in contiguous shares, gathered after each launch.
//
// tpw::mpi::run and tpw::mpi::sobol are collectives: every rank of the communicator calls it with
// the same plan and options. A rank is one thread (start one rank per core). Cancellation
// (options.stop) must be requested on every rank, as for any collective.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/mc/plan/radix_passes.hpp"
#include "tpw/mc/plan/sobol_passes.hpp"

namespace tpw::mpi {

class mpi_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

inline void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw mpi_error(std::string("tpw::mpi: ") + what + ": " + std::string(text, length));
}

// Rank r's share of `count` items: [count * r / size, count * (r + 1) / size).
inline std::uint64_t share_begin(std::uint64_t count, int rank, int size) {
  return count * static_cast<std::uint64_t>(rank) / static_cast<std::uint64_t>(size);
}

// Gathers, in place, every rank's share of an array of `items` items of `width` doubles, where
// rank r owns the items [share_of(r), share_of(r + 1)).
template <class Share>
void gather_shares(MPI_Comm comm, int size, double* data, int width, const Share& share_of) {
  std::vector<int> counts(static_cast<std::size_t>(size)), offsets(counts.size());
  for (int r = 0; r < size; ++r) {
    counts[static_cast<std::size_t>(r)] = static_cast<int>(share_of(r + 1) - share_of(r));
    offsets[static_cast<std::size_t>(r)] = static_cast<int>(share_of(r));
  }
  MPI_Datatype row;
  check(MPI_Type_contiguous(width, MPI_DOUBLE, &row), "MPI_Type_contiguous");
  check(MPI_Type_commit(&row), "MPI_Type_commit");
  const int status = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, counts.data(),
                                    offsets.data(), row, comm);
  MPI_Type_free(&row);
  check(status, "MPI_Allgatherv");
}

// Sums `local` over the ranks and adds the sums into `total`.
inline void sum_counts(MPI_Comm comm, std::vector<unsigned long long>& local,
                       unsigned long long* total) {
  check(MPI_Allreduce(MPI_IN_PLACE, local.data(), static_cast<int>(local.size()),
                      MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm),
        "MPI_Allreduce");
  for (std::size_t i = 0; i < local.size(); ++i) total[i] += local[i];
}

class mpi_backend {
 public:
  template <class T>
  using buffer = tpw::mc::radix::host_backend::buffer<T>;

  explicit mpi_backend(MPI_Comm comm) : comm_(comm) {
    check(MPI_Comm_rank(comm, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(comm, &size_), "MPI_Comm_size");
  }

  [[nodiscard]] MPI_Comm comm() const noexcept { return comm_; }
  // Where rank r's share of `count` items begins (rank size(): the end).
  [[nodiscard]] std::uint64_t share_of(std::uint64_t count, int r) const noexcept {
    return share_begin(count, r, size_);
  }
  // Calls f(i) for each item i of this rank's share of [0, count).
  template <class F>
  void for_own_share(unsigned count, F&& f) const {
    const auto end = static_cast<unsigned>(share_of(count, rank_ + 1));
    for (auto i = static_cast<unsigned>(share_of(count, rank_)); i < end; ++i) f(i);
  }
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] int size() const noexcept { return size_; }

  template <currency_type C, class Plan>
  void pass(const tpw::mc::radix::pass_args<Plan>& a, unsigned blocks) const {
    namespace radix = tpw::mc::radix;
    const auto first_block = static_cast<unsigned>(share_begin(blocks, rank_, size_));
    const auto end_block = static_cast<unsigned>(share_begin(blocks, rank_ + 1, size_));
    // This launch's counts start from zero on every rank and are summed after it.
    radix::pass_args<Plan> local = a;
    std::vector<unsigned long long> histogram(std::size_t{a.group_first[a.outputs]} * radix::bins);
    std::vector<unsigned long long> exceeding(radix::max_exceedances, 0);
    unsigned long long first_bad = radix::no_sample;
    local.histogram = histogram.data();
    local.exceeding = exceeding.data();
    local.first_bad = &first_bad;
    radix::host_backend::pass_blocks<C>(local, first_block, end_block);

    sum_counts(comm_, histogram, a.histogram);
    if (a.exceedances > 0) sum_counts(comm_, exceeding, a.exceeding);
    check(MPI_Allreduce(MPI_IN_PLACE, &first_bad, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, comm_),
          "MPI_Allreduce");
    *a.first_bad = std::min(*a.first_bad, first_bad);
    const int width = static_cast<int>(a.outputs * radix::fields);
    gather_shares(comm_, size_, a.block_sums, width,
                  [&](int r) { return share_begin(blocks, r, size_); });
    if (a.kept_x != nullptr) {
      // The samples of block b are [first + b * samples_per_block, ...), capped at the slice's end.
      const auto sample_of = [&](int r) {
        return std::min(a.end, a.first + share_begin(blocks, r, size_) * radix::samples_per_block);
      };
      gather_shares(comm_, size_, a.kept_x, static_cast<int>(a.plan->inputs), sample_of);
      gather_shares(comm_, size_, a.kept_y, static_cast<int>(a.plan->outputs()), sample_of);
    }
  }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

// The Sobol' launches (tpw/mc/plan/sobol_passes.hpp), each rank taking a contiguous share of the
// rows, blocks or resamples and computing it as the host backend does; the shares are then
// gathered, so that every rank holds the one-process table, sums and estimates.
template <currency_type C, class Plan>
void sobol_evaluate(mpi_backend& backend, const tpw::mc::radix::sobol_args<Plan>& a,
                    unsigned rows) {
  const auto row_of = [&](int r) { return backend.share_of(rows, r); };
  tpw::mc::radix::sobol_args<Plan> local = a;
  local.first = a.first + row_of(backend.rank());
  local.end = a.first + row_of(backend.rank() + 1);
  unsigned long long first_bad = tpw::mc::radix::no_sample;
  local.first_bad = &first_bad;
  tpw::mc::radix::host_backend host;
  tpw::mc::radix::sobol_evaluate<C>(host, local, rows);
  check(MPI_Allreduce(MPI_IN_PLACE, &first_bad, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, backend.comm()),
        "MPI_Allreduce");
  *a.first_bad = std::min(*a.first_bad, first_bad);
  // Each of the table's (d + 2) x outputs rows of n values, over this launch's rows.
  for (std::uint32_t m = 0; m < a.table.d + 2; ++m) {
    for (std::uint32_t k = 0; k < a.table.outputs; ++k) {
      gather_shares(backend.comm(), backend.size(), a.values + a.table.index(m, k, a.first), 1,
                    row_of);
    }
  }
}
template <class Plan>
void sobol_sums(mpi_backend& backend, const tpw::mc::radix::sobol_args<Plan>& a, unsigned blocks) {
  backend.for_own_share(blocks, [&](unsigned b) {
    tpw::mc::radix::sobol_block_sums(
        a, b, 0, 1, [](double v) { return v; }, true);
  });
  gather_shares(backend.comm(), backend.size(), a.block_sums, static_cast<int>(a.sum_count()),
                [&](int r) { return backend.share_of(blocks, r); });
}
template <class Plan>
void sobol_bootstrap(mpi_backend& backend, const tpw::mc::radix::sobol_args<Plan>& a,
                     unsigned resamples) {
  backend.for_own_share(resamples, [&](unsigned r) {
    tpw::mc::radix::sobol_resample(
        a, r, 0, 1, [](double v) { return v; }, true);
  });
  const auto resample_of = [&](int r) { return backend.share_of(resamples, r); };
  const auto width = static_cast<int>(a.table.d);
  gather_shares(backend.comm(), backend.size(), a.boot_first, width, resample_of);
  gather_shares(backend.comm(), backend.size(), a.boot_total, width, resample_of);
}

}  // namespace detail

// Runs a plan (mc::cost_model::plan(), mc::composed_model::plan()) over options.samples samples
// shared across the ranks of `comm`; every rank returns the same result (see the header comment).
// Throws invalid_input for bad options or a non-finite output (on every rank, naming the same
// sample), mpi_error when MPI fails, mc::cancelled when stopped. run_options::threads,
// in_memory_limit and quantile_budget do not apply.
template <currency_type C, class Plan>
tpw::mc::run_result run(MPI_Comm comm, const Plan& plan, const tpw::mc::run_options& options) {
  int initialized = 0;
  detail::check(MPI_Initialized(&initialized), "MPI_Initialized");
  if (!initialized) throw mpi_error("tpw::mpi: MPI_Init has not been called");
  // Kept samples are gathered with int counts and offsets, in samples.
  if (options.keep_samples && options.samples > static_cast<std::uint64_t>(INT_MAX)) {
    throw invalid_input("uncertainty.samples", static_cast<double>(options.samples),
                        "with keep_samples, an MPI run keeps at most 2^31 - 1 samples");
  }
  detail::mpi_backend backend(comm);
  return tpw::mc::radix::run_passes<C>(backend, plan, options);
}

// Sobol' indices of every figure of a plan over options.base_samples rows shared across the
// ranks of `comm` (a collective, as run): every rank returns bitwise the one-process result of
// the same passes on the host (mc::radix::run_sobol), which equals mc::sobol_analysis up to the
// order of the sums. Throws as run does, and invalid_input for a correlated plan or more than 20
// uncertain inputs. sobol_options::threads does not apply.
template <currency_type C, class Plan>
std::vector<tpw::mc::sobol_indices> sobol(MPI_Comm comm, const Plan& plan,
                                          const tpw::mc::sobol_options& options) {
  int initialized = 0;
  detail::check(MPI_Initialized(&initialized), "MPI_Initialized");
  if (!initialized) throw mpi_error("tpw::mpi: MPI_Init has not been called");
  detail::mpi_backend backend(comm);
  return tpw::mc::radix::run_sobol<C>(backend, plan, options);
}

}  // namespace tpw::mpi
