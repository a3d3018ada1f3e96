// Everything an application needs to run a tether server.
#pragma once

#include "tether/actor_config.hpp"
#include "tether/close_code.hpp"
#include "tether/config.hpp"
#include "tether/connection.hpp"
#include "tether/exit_reason.hpp"
#include "tether/handler.hpp"
#include "tether/http.hpp"
#include "tether/logging.hpp"
#include "tether/messages.hpp"
#include "tether/server.hpp"
#include "tether/supervisor.hpp"
#include "tether/timer_service.hpp"
#include "tether/transport.hpp"
