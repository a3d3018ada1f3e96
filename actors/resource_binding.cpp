#include "actors/resource_binding.hpp"

#include <caf/exit_reason.hpp>

namespace tether::detail {

void bind_resource(caf::event_based_actor* self, const caf::actor& owner,
                   const caf::actor& service) {
  auto owner_addr = owner.address();
  self->set_exit_handler([self, owner_addr](caf::exit_msg& x) {
    if (x.source == owner_addr || x.reason)
      self->quit(x.reason);
  });
  auto service_addr = service.address();
  self->set_down_handler([self, service_addr](caf::down_msg& x) {
    if (x.source == service_addr)
      self->quit(x.reason ? x.reason : caf::exit_reason::user_shutdown);
  });
  self->monitor(service);
  self->link_to(owner);
}

} // namespace tether::detail
