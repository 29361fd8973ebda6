cckpt verify "$CK/crc.img"
