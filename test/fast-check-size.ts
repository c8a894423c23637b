// Vitest setup for both projects (node and edge): fast-check generates arrays, strings and byte arrays up to about 100 long by default.
// Without this its default size ("small") caps every generated collection at 10 elements whatever its maxLength says,
// so a fuzz test asking for up to 3,000 random bytes would never see more than 10.
import fc from "fast-check";

fc.configureGlobal({ ...fc.readConfigureGlobal(), baseSize: "medium" });
