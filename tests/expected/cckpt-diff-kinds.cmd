cckpt diff "$CK/valid-container.img" "$CK/valid-subtree.img"
