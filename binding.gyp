{
  "targets": [
    {
      "target_name": "phpeek_reaper",
      "sources": ["native/reaper.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
