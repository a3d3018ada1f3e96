#include "db/worker_thread.hpp"

#include <utility>

namespace tether::db {

worker_thread::worker_thread()
    : queue_(std::make_shared<queue>()), thread_([q = queue_] { run(*q); }) {
  // nop
}

worker_thread::~worker_thread() {
  std::deque<job> dropped;
  {
    std::lock_guard<std::mutex> guard{queue_->mtx};
    queue_->stopping = true;
    dropped.swap(queue_->jobs);
  }
  queue_->wake.notify_one();
  // A job's captures may hold the last reference to this worker's owner, so
  // this destructor can run on the worker thread itself, which cannot join
  // itself; it finishes on its own, holding its share of the queue.
  if (thread_.get_id() == std::this_thread::get_id())
    thread_.detach();
  else
    thread_.join();
}

void worker_thread::post(job f) {
  {
    std::lock_guard<std::mutex> guard{queue_->mtx};
    if (queue_->stopping)
      return;
    queue_->jobs.push_back(std::move(f));
  }
  queue_->wake.notify_one();
}

void worker_thread::run(queue& q) {
  for (;;) {
    job next;
    {
      std::unique_lock<std::mutex> guard{q.mtx};
      q.wake.wait(guard, [&q] { return q.stopping || !q.jobs.empty(); });
      if (q.stopping)
        return;
      next = std::move(q.jobs.front());
      q.jobs.pop_front();
    }
    next();
  }
}

} // namespace tether::db
