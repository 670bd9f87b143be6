package io.wecomrelay.connector.images;

/** WeCom refused a step of an upload (its errcode), or its answer lacked what the next step needs. */
final class UploadException extends RuntimeException {

    private final int errcode;

    UploadException(String step, int errcode) {
        super(step + " refused, errcode " + errcode);
        this.errcode = errcode;
    }

    int errcode() {
        return errcode;
    }
}
