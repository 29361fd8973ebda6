cckpt show -J "$CK/valid-subtree.img"
