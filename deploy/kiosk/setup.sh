#!/usr/bin/env bash
# Turn a Debian/Ubuntu/Raspberry Pi OS box into a Sunshine Signage screen player.
#   sudo ./setup.sh 'https://gk.example.gov.cn/player/#token=scr_...'  (from the screen's page)
#   sudo ./setup.sh https://gk.example.gov.cn/player/                (pair on screen with a code)
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
URL=${1:?usage: setup.sh PLAYER_URL}
HERE=$(cd "$(dirname "$0")" && pwd)

echo ">> installing Chromium, a minimal X server, Chinese fonts and the minority scripts' fonts"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# fonts-noto-core: Uyghur (Noto Naskh Arabic), Mongolian, Tibetan and Yi for bilingual boards.
apt-get install -y -qq --no-install-recommends xserver-xorg xinit x11-xserver-utils unclutter \
  fonts-noto-cjk fonts-noto-core ca-certificates
apt-get install -y -qq --no-install-recommends chromium || apt-get install -y -qq chromium-browser

echo ">> installing a speech engine (定时朗读: the screen reads items aloud)"
# Chromium's speechSynthesis speaks through speech-dispatcher on Linux; espeak-ng is its voice
# (Mandarin "cmn" among ~100 languages: intelligible, robotic). A better Chinese voice, where
# one is installed as a speech-dispatcher module, is used instead. Missing packages are not
# fatal: the box then plays as before, silently.
apt-get install -y -qq --no-install-recommends speech-dispatcher speech-dispatcher-espeak-ng \
  espeak-ng alsa-utils || echo "!! no speech engine installed: the screen will not read aloud"

echo ">> creating the signage user"
id signage >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin signage
usermod -aG video,tty,input,audio signage || true
# Xorg started by a service needs to be allowed for a non-console user.
if [ -f /etc/X11/Xwrapper.config ]; then
  sed -i 's/^allowed_users=.*/allowed_users=anybody/' /etc/X11/Xwrapper.config
else
  printf 'allowed_users=anybody\nneeds_root_rights=yes\n' > /etc/X11/Xwrapper.config
fi

echo ">> installing the launcher and the service"
install -m 0755 "$HERE/signage-kiosk" /usr/local/bin/signage-kiosk
install -m 0644 "$HERE/signage-kiosk.service" /etc/systemd/system/signage-kiosk.service

echo ">> installing the box agent (snapshots, health, display power, reboot from the wall)"
# python3-websocket: websocket-client, to talk to Chromium's debugging interface on
# 127.0.0.1. cec-utils (cec-ctl) switches displays that speak HDMI-CEC; where it is missing
# or the display does not answer, the agent uses DPMS (xset).
apt-get install -y -qq --no-install-recommends python3 python3-websocket sudo
apt-get install -y -qq --no-install-recommends v4l-utils || true  # cec-ctl, where packaged
# From a checkout of the repository: player/agent.py; a copied kiosk folder: signage-agent
# beside this script.
AGENT_SRC="$HERE/../../player/agent.py"
[ -f "$AGENT_SRC" ] || AGENT_SRC="$HERE/signage-agent"
[ -f "$AGENT_SRC" ] || { echo "!! player/agent.py not found: copy it here as signage-agent" >&2; exit 1; }
install -m 0755 "$AGENT_SRC" /usr/local/bin/signage-agent
install -m 0644 "$HERE/signage-agent.service" /etc/systemd/system/signage-agent.service
usermod -aG video signage || true
# The one thing the agent may do as root: reboot the box when the wall asks. Nothing else.
cat > /etc/sudoers.d/signage-agent <<'SUDOERS'
signage ALL=(root) NOPASSWD: /usr/bin/systemctl reboot
SUDOERS
chmod 0440 /etc/sudoers.d/signage-agent
visudo -cf /etc/sudoers.d/signage-agent >/dev/null || { rm -f /etc/sudoers.d/signage-agent; echo "!! the reboot rule did not parse: remote reboot stays off"; }
printf 'PLAYER_URL=%s\n' "$URL" > /etc/signage-kiosk.env
chmod 0640 /etc/signage-kiosk.env
chgrp signage /etc/signage-kiosk.env

echo ">> never blank the console, boot to the player"
if [ -f /boot/cmdline.txt ] && ! grep -q consoleblank=0 /boot/cmdline.txt; then
  sed -i 's/$/ consoleblank=0/' /boot/cmdline.txt
elif [ -f /etc/default/grub ] && ! grep -q consoleblank=0 /etc/default/grub; then
  sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="/GRUB_CMDLINE_LINUX_DEFAULT="consoleblank=0 /' /etc/default/grub
  command -v update-grub >/dev/null 2>&1 && update-grub
fi
systemctl daemon-reload
systemctl set-default graphical.target
systemctl enable --now signage-kiosk.service
systemctl enable --now signage-agent.service
echo ">> done: the player starts on tty1 and restarts by itself; logs: journalctl -u signage-kiosk"
echo "   the box agent: journalctl -u signage-agent; a snapshot now: sudo -u signage signage-agent snapshot"
