// A non-owning reference to a callable, for passing operation bodies to the
// environment's transaction runners without allocating. std::function may allocate
// (and so throw) when it is built, outside the runner's catch-all; this never does.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace roost::detail {

template <typename Signature>
class function_ref;

template <typename R, typename... Args>
class function_ref<R(Args...)> {
public:
  /// Refers to `f`, which must outlive every call (a temporary lambda passed as an
  /// argument lives until the call returns).
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, function_ref>>>
  function_ref(F&& f) noexcept  // NOLINT: implicit, like std::function
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* object, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace roost::detail
