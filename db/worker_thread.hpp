// One thread that runs blocking jobs in order, away from CAF's scheduler.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace tether::db {

class worker_thread {
public:
  using job = std::function<void()>;

  worker_thread();

  /// Drops the jobs not started yet and waits for the running one.
  ~worker_thread();

  worker_thread(const worker_thread&) = delete;
  worker_thread& operator=(const worker_thread&) = delete;

  /// Queues `f` behind the jobs posted before it.
  void post(job f);

private:
  // Shared with the thread, which may outlive this object (see the
  // destructor).
  struct queue {
    std::mutex mtx;
    std::condition_variable wake;
    std::deque<job> jobs;
    bool stopping = false;
  };

  static void run(queue& q);

  std::shared_ptr<queue> queue_;
  std::thread thread_;
};

} // namespace tether::db
