# QEMU mps2-an385 (Cortex-M3).
