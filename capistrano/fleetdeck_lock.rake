# Fleetdeck's deploy lock, for Capistrano 3: `cap deploy` and `cap deploy:rollback` never run over
# a Fleetdeck deploy, and Fleetdeck never runs over them.
#
# Enable it in one line: copy this file into your project's lib/capistrano/tasks/ (the Capfile that
# `cap install` writes imports every .rake file there), or add to the Capfile
#   import "/path/to/fleetdeck_lock.rake"
#
# The lock is Fleetdeck's own, on every host of the run: the directory <deploy_to>/.fleetdeck/lock
# (mkdir is atomic: of two takers exactly one gets it) with a one-line `holder` file. Before
# deploy:starting (and before deploy:rollback) this takes it on every host; if any host's lock is
# held (by a Fleetdeck console or another cap run), the run stops before changing anything, gives
# back what it took and names the holder (and, for a Fleetdeck deploy, how long ago its console
# last refreshed the lock's `heartbeat`). This plugin writes no heartbeat: Fleetdeck ages a cap
# lock from when it was taken and calls it stale only after the app's `lock:
# stale_without_heartbeat` (default 1 h). cap never takes a lock over by itself: a lock left by a
# run that died is taken over on purpose (in Fleetdeck, or with `cap <stage> fleetdeck:unlock` for
# a lock a dead cap run left). The lock is given back after
# deploy:finished, after deploy:failed, and when cap exits for any other reason (a rollback that
# fails does not run deploy:failed), but only on hosts where the holder is still this run.

require "shellwords"
require "socket"

# What stops a run, and what to do about it.
def fleetdeck_lock_held_message(held)
  by_capistrano = held.values.all? { |h| h.start_with?("capistrano ") }
  way_out = if by_capistrano
              "if it died, remove its lock with `cap #{fetch(:stage)} fleetdeck:unlock`"
            else
              "if that console died, take the lock over in Fleetdeck once its heartbeat is stale " \
                '(Deploys: "Take over the stale lock and deploy…", or Releases: "Resume or roll back…")'
            end
  ["Fleetdeck's deploy lock is held, so this cap run stopped before changing anything:",
   *held.map { |host, holder| "  #{host}: #{deploy_path}/.fleetdeck/lock is held by #{holder}" },
   "Wait for that #{by_capistrano ? 'cap run' : 'Fleetdeck deploy'} to end and run cap again; #{way_out}."].join("\n")
end

# A host where the lock's directory was made but its holder could not be written (a full disk):
# the directory was removed again at once, so no lock is left that nobody holds.
def fleetdeck_lock_unwritable_message(unwritable, held)
  ["Fleetdeck's deploy lock could not be taken, so this cap run stopped before changing anything:",
   *unwritable.map { |host| "  #{host}: could not write the lock's holder in #{deploy_path}/.fleetdeck/lock (is the disk full? df -h #{deploy_path})" },
   *held.map { |host, holder| "  #{host}: #{deploy_path}/.fleetdeck/lock is held by #{holder}" },
   "Free space in #{deploy_path} on #{unwritable.size == 1 ? 'that host' : 'those hosts'} and run cap again."].join("\n")
end

namespace :fleetdeck do
  # The hosts' threads of one `on` share the list of hosts this run locked.
  fleetdeck_mutex = Mutex.new
  # Not quoted, as Capistrano does not quote deploy_to: "~/apps/x" must reach the remote shell as it is.
  lock_dir = -> { deploy_path.join(".fleetdeck", "lock") }

  desc "Take Fleetdeck's deploy lock on every host (run before deploy:starting and deploy:rollback)"
  task :lock do
    # Fleetdeck writes "<user>@<machine> pid <pid> since <ISO time> (<kind> <app> <release>)".
    holder = "capistrano #{local_user}@#{Socket.gethostname} pid #{Process.pid} " \
             "since #{Time.now.utc.strftime('%Y-%m-%dT%H:%M:%S.%LZ')} " \
             "(cap #{Rake.application.top_level_tasks.join(' ')}, #{fetch(:application)})"
    taken = []
    held = {}
    unwritable = []
    set :fleetdeck_holder, holder
    set :fleetdeck_taken, taken
    at_exit do
      # A failed rollback ends with `exit` in one host's thread, and each host's thread still running
      # then calls `exit` too, which interrupts this one: at most one try per host, and the last succeeds.
      tries = 0
      begin
        Rake::Task["fleetdeck:release"].execute
      rescue SystemExit
        retry if (tries += 1) <= release_roles(:all).size
      end
    end
    on release_roles(:all) do |host|
      dir = lock_dir.call
      out = capture(
        "mkdir -p #{dir.dirname} && if mkdir #{dir} 2>/dev/null; " \
        "then if printf '%s\\n' #{holder.shellescape} > #{dir}/holder 2>/dev/null; then echo taken; " \
        "else rm -rf #{dir}; echo unwritable; fi; " \
        "else b=$(cat #{dir}/heartbeat 2>/dev/null || true); " \
        "case \"$b\" in ''|*[!0-9]*) a='' ;; *) a=\", last heartbeat $(($(date +%s) - b)) s ago\" ;; esac; " \
        "echo \"held $(head -c 500 #{dir}/holder 2>/dev/null || echo unknown)$a\"; fi"
      )
      fleetdeck_mutex.synchronize do
        case out
        when "taken" then taken << host.hostname
        when "unwritable" then unwritable << host.hostname
        else held[host.hostname] = out.delete_prefix("held ")
        end
      end
    end
    next if held.empty? && unwritable.empty?

    Rake::Task["fleetdeck:release"].execute
    raise fleetdeck_lock_held_message(held) if unwritable.empty?
    raise fleetdeck_lock_unwritable_message(unwritable, held)
  end

  desc "Give back the lock this cap run took (run after deploy:finished and deploy:failed, and as cap exits)"
  task :release do
    holder = fetch(:fleetdeck_holder)
    taken = fetch(:fleetdeck_taken, [])
    next if holder.nil? || taken.empty?

    on release_roles(:all).select { |server| taken.include?(server.hostname) } do |host|
      dir = lock_dir.call
      # A lock taken over in the meantime is its new holder's: left alone.
      out = capture(%(if test "$(cat #{dir}/holder 2>/dev/null)" = #{holder.shellescape}; then rm -rf #{dir}; ) +
                    %(elif test -d #{dir}; then echo taken over; fi))
      warn "#{host}: Fleetdeck's lock was taken over during this run; it is left to its new holder" unless out.empty?
      fleetdeck_mutex.synchronize { taken.delete(host.hostname) }
    end
  end

  desc "Remove a Fleetdeck lock that a cap run which died left (never a Fleetdeck console's)"
  task :unlock do
    on release_roles(:all) do |host|
      holder = capture(:cat, "#{lock_dir.call}/holder", "2>/dev/null", "||", "true")
      if holder.start_with?("capistrano ")
        execute :rm, "-rf", lock_dir.call
        info "#{host}: removed the lock of #{holder}"
      elsif !holder.empty?
        warn "#{host}: left the lock of #{holder}: take it over in Fleetdeck"
      end
    end
  end
end

before "deploy:starting", "fleetdeck:lock"
before "deploy:rollback", "fleetdeck:lock"
after "deploy:finished", "fleetdeck:release"
after "deploy:failed", "fleetdeck:release"
