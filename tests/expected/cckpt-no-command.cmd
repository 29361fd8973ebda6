cckpt
