# Host simulation board: the firmware as a Linux process (see boards/host/README.md).
