cckpt show --timeout 3 "$CK/valid-container.img"
